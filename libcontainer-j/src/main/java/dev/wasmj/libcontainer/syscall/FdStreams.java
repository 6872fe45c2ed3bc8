package dev.wasmj.libcontainer.syscall;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Java streams over a raw fd (the JDK offers no public way to wrap an int fd). Closing a stream closes the fd. */
public final class FdStreams {
    private FdStreams() {}

    public static InputStream input(Syscalls sys, int fd) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                try {
                    int n = sys.read(fd, b, off, len);
                    return n == 0 ? -1 : n;
                } catch (SyscallException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    sys.close(fd);
                }
            }

            private boolean closed;
        };
    }

    public static OutputStream output(Syscalls sys, int fd) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    while (len > 0) {
                        int n = sys.write(fd, b, off, len);
                        off += n;
                        len -= n;
                    }
                } catch (SyscallException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    sys.close(fd);
                }
            }

            private boolean closed;
        };
    }
}
