package io.sparkbp.spark;

import io.sparkbp.nn.Activation;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A task's result buffer is reused only after its bytes have been written, and only by its own thread. */
class WorkspacesTest {
    private static final NetworkSpec SPEC = new NetworkSpec(new int[] {3, 2}, Activation.SIGMOID, OutputKind.SOFTMAX);

    @Test
    void aResultIsReusedOnlyAfterItWasSerializedAndTheBytesKeepItsSums() throws Exception {
        Workspaces.Workspace ws = Workspaces.of(new NetworkSpec(new int[] {3, 2}, Activation.TANH, OutputKind.SOFTMAX));
        GradientAccumulator first = ws.result();
        first.gradSum()[0] = 1.5;
        first.addTotals(2.0, 3.0, 4);
        GradientAccumulator notYetSerialized = ws.result();
        assertNotSame(first, notYetSerialized, "a result Spark may still hold by reference is never reused");

        byte[] bytes = serialize(first);
        GradientAccumulator second = ws.result();
        assertSame(first, second, "once serialized, the buffer is recycled");
        assertEquals(0.0, second.gradSum()[0]);
        assertEquals(0, second.count());
        second.gradSum()[0] = -7;

        GradientAccumulator copy = deserialize(bytes);
        assertArrayEquals(new double[] {1.5, 0, 0, 0, 0, 0, 0, 0}, copy.gradSum(), "the bytes are not affected by reuse");
        assertEquals(4, copy.count());
        assertEquals(3.0, copy.weightSum());
        serialize(copy); // a deserialized copy recycles nothing
        assertNotSame(copy, ws.result());
    }

    @Test
    void aResultSerializedOnAnotherThreadIsNotReused() throws Exception {
        Workspaces.Workspace ws = Workspaces.of(SPEC);
        GradientAccumulator result = ws.result();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                serialize(result);
            } catch (Exception e) {
                failure.set(e);
            }
        });
        other.start();
        other.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        assertNotSame(result, ws.result());
    }

    @Test
    void eachThreadAndNetworkHasItsOwnWorkspace() throws Exception {
        Workspaces.Workspace mine = Workspaces.of(SPEC);
        assertSame(mine, Workspaces.of(new NetworkSpec(new int[] {3, 2}, Activation.SIGMOID, OutputKind.SOFTMAX)));
        AtomicReference<Workspaces.Workspace> theirs = new AtomicReference<>();
        Thread other = new Thread(() -> theirs.set(Workspaces.of(SPEC)));
        other.start();
        other.join();
        assertNotSame(mine, theirs.get());
        assertSame(mine.gradient, Workspaces.get(SPEC, 256));
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static GradientAccumulator deserialize(byte[] b) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            return (GradientAccumulator) in.readObject();
        }
    }
}
