package io.trainscope.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged {@code trainscope demo} in its own process, as a user runs it, for the ITs. */
final class PackagedDemo {

    private static final Pattern ADDRESS = Pattern.compile("Dashboard: (http://\\S+)");

    private PackagedDemo() {}

    /** Starts {@code target/trainscope.jar demo} on an ephemeral loopback port with {@code arguments} added. */
    static Process start(String... arguments) throws IOException {
        String cache = System.getProperty("DJL_CACHE_DIR", System.getProperty("user.home") + "/.cache/trainscope/djl");
        List<String> command = new ArrayList<>(List.of("java", "-Xmx2g", "-DDJL_CACHE_DIR=" + cache,
                "-Djna.tmpdir=" + cache + "/jna", "-Dai.djl.offline=true", "-jar", "target/trainscope.jar", "demo",
                "--host", "127.0.0.1", "--port", "0"));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** {@code path}, emptied: a demo on a used run directory would resume where that run stopped. */
    static Path freshRunDirectory(String path) throws IOException {
        Path dir = Path.of(path);
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return dir;
    }

    /** The dashboard address the demo prints, read from its output on a daemon thread. */
    static CompletableFuture<String> address(Process demo) {
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = ADDRESS.matcher(line);
                    if (m.find()) {
                        address.complete(m.group(1));
                    }
                }
                address.completeExceptionally(new AssertionError("the demo ended without printing its address"));
            } catch (Exception e) {
                address.completeExceptionally(e);
            }
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        return address;
    }
}
