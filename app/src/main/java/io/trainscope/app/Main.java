package io.trainscope.app;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code trainscope} command. */
@Command(name = "trainscope", mixinStandardHelpOptions = true, version = "trainscope 0.1.0",
        description = "Watch and steer a neural network while it trains.",
        subcommands = {DemoCommand.class, io.trainscope.bench.BenchCommand.class})
public final class Main {

    public static void main(String[] args) {
        int exit = new CommandLine(new Main()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
