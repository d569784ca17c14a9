package io.trainscope.core.samples.query;

/**
 * Which rows a sort reorders, from the {@code scope:} token: the whole current view
 * ({@code GLOBAL} and {@code SUBSET}, which WeightsLab treats alike) or only a slice of it ({@code VIEW}).
 */
public enum SortScope {
    GLOBAL,
    SUBSET,
    VIEW
}
