package dev.wasmj.shim.ttrpc;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Run in a JVM of its own, possibly as another user: sends one request to a ttrpc socket and prints
 * "answered" if a response frame came back, or "closed" if the server hung up. JDK classes only, so it
 * runs from a copied class file without the test classpath (which another user may not be able to read).
 */
public final class PeerProbe {
    private PeerProbe() {
    }

    public static void main(String[] args) throws IOException {
        byte[] request = {0x0a, 1, 'x', 0x12, 1, 'y'}; // ttrpc.Request{service: "x", method: "y"}
        ByteBuffer frame = ByteBuffer.allocate(10 + request.length);
        frame.putInt(request.length).putInt(1).put((byte) 1).put((byte) 0).put(request).flip();
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(args[0]));
        } catch (IOException e) {
            System.out.println("cannot connect: " + e); // not a refusal by the server: the test must not pass on it
            System.exit(2);
            return;
        }
        try (channel) {
            while (frame.hasRemaining()) channel.write(frame);
            ByteBuffer header = ByteBuffer.allocate(10);
            while (header.hasRemaining()) {
                if (channel.read(header) < 0) {
                    System.out.println("closed");
                    return;
                }
            }
            System.out.println("answered type " + header.get(8) + " on stream " + header.getInt(4));
        } catch (IOException e) {
            System.out.println("closed (" + e.getMessage() + ")"); // a reset is a refusal too
        }
    }
}
