package io.trainscope.bench;

import picocli.CommandLine.Command;

/** {@code trainscope bench ...}: the benchmarks whose figures go into docs/BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and print its figures (see docs/BENCHMARKS.md).",
        subcommands = {StreamBenchmark.class, OverheadBenchmark.class, PauseBenchmark.class, SignalsBenchmark.class,
            DataBenchmark.class, LabelNoiseBenchmark.class, CheckpointBenchmark.class, EvaluationBenchmark.class,
            LoadBenchmark.class})
public final class BenchCommand {}
