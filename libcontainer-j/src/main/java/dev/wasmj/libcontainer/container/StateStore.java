package dev.wasmj.libcontainer.container;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wasmj.oci.runtime.Spec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime's root directory: one directory per container holding {@code state.json} (replaced
 * atomically), the start fifo and a lock file. Two commands on one container, in one JVM or in two, take
 * turns through {@link #lock(String)}.
 */
public final class StateStore {
    public static final Path DEFAULT_ROOT = Path.of("/run/libcontainer-j");
    static final String STATE_FILE = "state.json";
    static final String EXEC_FIFO = "exec.fifo";
    static final String START_RESULT_FIFO = "start.result";
    private static final String LOCK_FILE = ".lock";
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.INDENT_OUTPUT, true);

    private final Path root;

    public StateStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    public Path directory(String id) {
        return root.resolve(id);
    }

    Path execFifo(String id) {
        return directory(id).resolve(EXEC_FIFO);
    }

    /** Where the init tells start why the workload could not start (see init.StartReport). */
    Path startResultFifo(String id) {
        return directory(id).resolve(START_RESULT_FIFO);
    }

    /** Claims the id: fails if a container of that id exists. */
    Path createDirectory(String id) throws ContainerException {
        try {
            Files.createDirectories(root);
            return Files.createDirectory(directory(id));
        } catch (FileAlreadyExistsException e) {
            throw new ContainerException("container \"" + id + "\" already exists");
        } catch (IOException e) {
            throw new ContainerException("cannot create state directory " + directory(id) + ": " + e.getMessage(), e);
        }
    }

    ContainerState load(String id) throws ContainerException {
        Path file = directory(id).resolve(STATE_FILE);
        try {
            return MAPPER.readValue(file.toFile(), ContainerState.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ContainerException("container \"" + id + "\" does not exist");
        } catch (IOException e) {
            throw new ContainerException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    boolean exists(String id) {
        return Files.isRegularFile(directory(id).resolve(STATE_FILE));
    }

    void save(ContainerState state) throws ContainerException {
        Path dir = directory(state.id());
        Path tmp = dir.resolve(STATE_FILE + ".tmp");
        try {
            Files.write(tmp, MAPPER.writeValueAsBytes(state));
            try {
                Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ContainerException("cannot write state of " + state.id() + ": " + e.getMessage(), e);
        }
    }

    void remove(String id) throws IOException {
        Path dir = directory(id);
        if (!Files.exists(dir)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }

    public List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) return ids;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) ids.add(d.getFileName().toString());
        }
        ids.sort(null);
        return ids;
    }

    /**
     * Writes and reads back, in memory, the state of a container of {@code spec}, as every create and later
     * command does: in a fresh JVM the first time costs 40-50 ms of JSON binding that would otherwise delay
     * the first create's answer. For a server's warm-up.
     */
    public static void warmUp(Spec spec) throws IOException {
        ContainerState state = new ContainerState("warm-up", "/", "/", 1, 0, "", "/", false, spec);
        MAPPER.readValue(MAPPER.writeValueAsBytes(state.withStarted()), ContainerState.class);
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    /** An exclusive lock on one container, held across processes (fcntl) and threads (in-process lock). */
    Lock lock(String id) throws ContainerException {
        Path file = directory(id).resolve(LOCK_FILE);
        ReentrantLock threadLock = IN_PROCESS_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        threadLock.lock();
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new Lock(threadLock, channel, channel.lock());
        } catch (NoSuchFileException e) {
            threadLock.unlock();
            throw new ContainerException("container \"" + id + "\" does not exist");
        } catch (IOException e) {
            threadLock.unlock();
            throw new ContainerException("cannot lock container \"" + id + "\": " + e.getMessage(), e);
        }
    }

    static final class Lock implements AutoCloseable {
        private final ReentrantLock threadLock;
        private final FileChannel channel;
        private final FileLock fileLock;

        private Lock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
            this.threadLock = threadLock;
            this.channel = channel;
            this.fileLock = fileLock;
        }

        @Override
        public void close() {
            try {
                fileLock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the lock in any case
            } finally {
                threadLock.unlock();
            }
        }
    }
}
