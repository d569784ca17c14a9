package io.trainscope.core.samples.query;

import java.util.List;
import java.util.Optional;

/**
 * The columns of the table a query runs on: the only source of identifiers in compiled SQL,
 * so a name the user typed reaches SQL only if the table has it.
 */
public interface ColumnCatalog {

    /** The real column a user-typed name (backticks already removed) stands for, if any. */
    Optional<Column> resolve(String name);

    /** The real column names, for "unknown column" messages. */
    List<String> names();
}
