package io.trainscope.djl.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A built-in image set of ten simple shapes drawn at random places and sizes with noise,
 * 28×28 grey: what the demo trains on when no real data set is installed.
 */
public final class GeneratedShapes {

    public static final List<String> CLASS_NAMES = List.of(
            "h-bar", "v-bar", "diagonal", "anti-diagonal", "box", "block", "ring", "cross", "dots", "triangle");

    private static final int SIDE = 28;

    private GeneratedShapes() {}

    public static ImageDataset create(String name, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[count * SIDE * SIDE];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(CLASS_NAMES.size());
            labels[i] = label;
            draw(label, random, pixels, i * SIDE * SIDE);
        }
        return new ImageDataset(name, 1, SIDE, SIDE, pixels, labels, CLASS_NAMES);
    }

    private static void draw(int label, SplittableRandom r, float[] px, int off) {
        int size = 10 + r.nextInt(9);
        int x0 = r.nextInt(SIDE - size);
        int y0 = r.nextInt(SIDE - size);
        int x1 = x0 + size - 1;
        int y1 = y0 + size - 1;
        int cx = (x0 + x1) / 2;
        int cy = (y0 + y1) / 2;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                boolean inBox = x >= x0 && x <= x1 && y >= y0 && y <= y1;
                boolean on = inBox && switch (label) {
                    case 0 -> Math.abs(y - cy) <= 1;
                    case 1 -> Math.abs(x - cx) <= 1;
                    case 2 -> Math.abs((x - x0) - (y - y0)) <= 1;
                    case 3 -> Math.abs((x - x0) - (y1 - y)) <= 1;
                    case 4 -> x - x0 <= 1 || x1 - x <= 1 || y - y0 <= 1 || y1 - y <= 1;
                    case 5 -> true;
                    case 6 -> ringContains(x - cx, y - cy, size / 2.0);
                    case 7 -> Math.abs(y - cy) <= 1 || Math.abs(x - cx) <= 1;
                    case 8 -> (x - x0) % 4 < 2 && (y - y0) % 4 < 2;
                    default -> y >= y0 && Math.abs(x - cx) <= (y - y0) / 2;
                };
                float noise = (float) (r.nextDouble() * 0.25);
                px[off + y * SIDE + x] = Math.min(1f, (on ? 0.75f + noise : noise * 0.6f));
            }
        }
    }

    private static boolean ringContains(int dx, int dy, double radius) {
        double d = Math.sqrt(dx * dx + dy * dy);
        return Math.abs(d - (radius - 1)) <= 1.0;
    }
}
