package dev.wasmj.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 10-byte header and the 4 MiB limit, without sockets. */
class FrameCodecTest {
    @TempDir
    Path dir;

    @Test
    void headerIsLengthStreamTypeFlagsBigEndian() throws IOException {
        Frame frame = new Frame(0x01020305, FrameType.REQUEST, FrameType.FLAG_REMOTE_OPEN, ByteString.copyFromUtf8("abc"));
        byte[] expected = {0, 0, 0, 3, 1, 2, 3, 5, 1, 2, 'a', 'b', 'c'};
        assertArrayEquals(expected, written(frame));
    }

    @Test
    void framesRoundTripIncludingZeroLengthAndTheLargestStreamId() throws IOException {
        List<Frame> frames = List.of(
                new Frame(1, FrameType.REQUEST, 0, ByteString.EMPTY),
                new Frame(3, FrameType.RESPONSE, 0, ByteString.copyFromUtf8("x")),
                new Frame(0xFFFF_FFFF, FrameType.DATA, FrameType.FLAG_NO_DATA, ByteString.EMPTY),
                new Frame(7, 0x7f, 0xff, ByteString.copyFromUtf8("unknown type, read as is")));
        FrameReader reader = reader(written(frames.toArray(new Frame[0])));
        for (Frame f : frames) assertEquals(f, reader.read());
        assertNull(reader.read(), "EOF between frames is a clean end");
        assertEquals(0xFFFF_FFFFL, frames.get(2).unsignedStreamId());
        assertNull(FrameType.fromWire(0x7f));
    }

    @Test
    void exactlyFourMebibytesIsAccepted() throws IOException {
        byte[] payload = new byte[Frame.MAX_PAYLOAD];
        payload[payload.length - 1] = 42;
        Frame frame = new Frame(1, FrameType.REQUEST, 0, ByteString.copyFrom(payload));
        Frame read = reader(written(frame)).read();
        assertEquals(Frame.MAX_PAYLOAD, read.payload().size());
        assertEquals(42, read.payload().byteAt(Frame.MAX_PAYLOAD - 1));
    }

    @Test
    void oneByteOverIsDiscardedAndTheNextFrameStillReads() throws IOException {
        byte[] oversized = RawSocket.cat(RawSocket.header(Frame.MAX_PAYLOAD + 1, 5, 1, 0), new byte[Frame.MAX_PAYLOAD + 1]);
        byte[] next = written(new Frame(7, FrameType.REQUEST, 0, ByteString.copyFromUtf8("next")));
        FrameReader reader = reader(RawSocket.cat(oversized, next));
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, reader::read);
        assertEquals(5, e.header().streamId());
        assertEquals(Frame.MAX_PAYLOAD + 1, e.length());
        assertEquals(ByteString.copyFromUtf8("next"), reader.read().payload());
    }

    @Test
    void theLargestAnnouncedLengthIsReadAsUnsigned() {
        // 0xFFFFFFFF is 4 GiB - 1, not -1: the reader must try to discard it, and hit EOF.
        FrameReader reader = reader(RawSocket.cat(RawSocket.header(0xFFFF_FFFFL, 1, 1, 0), new byte[100]));
        EOFException e = assertThrows(EOFException.class, reader::read);
        assertTrue(e.getMessage().contains("100 of 4294967295"), e.getMessage());
    }

    @Test
    void truncatedHeaderOrPayloadIsAnEofError() throws IOException {
        byte[] whole = written(new Frame(1, FrameType.REQUEST, 0, ByteString.copyFromUtf8("payload")));
        for (int cut = 1; cut < whole.length; cut++) {
            FrameReader reader = reader(Arrays.copyOf(whole, cut));
            assertThrows(EOFException.class, reader::read, "cut after " + cut + " bytes");
        }
    }

    @Test
    void theWriterRefusesAnOversizedPayload() {
        Frame frame = new Frame(1, FrameType.RESPONSE, 0, ByteString.copyFrom(new byte[Frame.MAX_PAYLOAD + 1]));
        assertThrows(IllegalArgumentException.class, () -> written(frame));
    }

    private byte[] written(Frame... frames) throws IOException {
        // A file channel is a gathering channel, like the socket the writer gets in production.
        Path file = Files.createTempFile(dir, "frames", ".bin");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FrameWriter writer = new FrameWriter(channel);
            for (Frame f : frames) writer.write(f);
        }
        return Files.readAllBytes(file);
    }

    private static FrameReader reader(byte[] bytes) {
        return new FrameReader(Channels.newChannel(new ByteArrayInputStream(bytes)));
    }

    @Test
    void shortReadsAreReassembled() throws IOException {
        byte[] bytes = written(new Frame(9, FrameType.RESPONSE, 0, ByteString.copyFromUtf8("dribbled")));
        // A channel that hands out one byte per read, like a slow socket.
        int[] position = {0};
        FrameReader reader = new FrameReader(new java.nio.channels.ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                if (position[0] == bytes.length) return -1;
                dst.put(bytes[position[0]++]);
                return 1;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        });
        assertEquals(ByteString.copyFromUtf8("dribbled"), reader.read().payload());
        assertNull(reader.read());
    }
}
