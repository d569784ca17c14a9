package io.trainscope.app;

import io.trainscope.djl.engine.NativeHeap;
import io.trainscope.djl.engine.TorchThreads;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code trainscope} command. */
@Command(name = "trainscope", mixinStandardHelpOptions = true, version = "trainscope 0.1.0",
        description = "Watch and steer a neural network while it trains.",
        subcommands = {DemoCommand.class, io.trainscope.bench.BenchCommand.class})
public final class Main {

    public static void main(String[] args) {
        NativeHeap.keepFreedMemory(); // before PyTorch allocates: its freed tensors stay for the next step
        try {
            TorchThreads.apply(OptionalInt.empty()); // before any command loads the engine; demo --torch-threads overrides
        } catch (IllegalArgumentException e) {
            System.err.println("trainscope: " + e.getMessage());
            System.exit(2);
        }
        int exit = new CommandLine(new Main()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
