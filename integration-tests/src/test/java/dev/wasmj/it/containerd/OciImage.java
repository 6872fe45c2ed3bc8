package dev.wasmj.it.containerd;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * An OCI image built by the test, as an image-layout tar ({@code oci-layout}, {@code index.json} naming
 * the image with {@code org.opencontainers.image.ref.name}, {@code blobs/sha256/}: manifest, config,
 * layers), and imported into a containerd with {@code ctr images import}.
 *
 * <pre>{@code
 * OciImage bb = OciImage.busybox("docker.io/wasmj/busybox:it").build(tmp.resolve("busybox.tar"));
 * String ref = bb.importInto(ctr);                       // ctr -n <ns> images import ...
 *
 * OciImage app = OciImage.builder().ref("docker.io/wasmj/hello:wasm")
 *         .file("/hello.wasm", wasmBytes, 0755)
 *         .entrypoint("/hello.wasm")
 *         .platform("wasi", "wasm")
 *         .build(tmp.resolve("hello.tar"));
 * }</pre>
 *
 * <p>Everything is deterministic (fixed times, sorted entries, uid/gid 0 unless a file says otherwise), so the same input gives the
 * same digests. The tars are written here as ustar rather than with the {@code tar} command: the entries
 * (owner root, exact modes, files that exist only as bytes in the test) are then exactly what the test
 * says, whatever the host's files or tar version, and nothing needs to be staged on disk first.
 * Layers are one tar layer by default (gzip; see {@link Builder#gzip}, {@link Builder#layerMediaType});
 * {@link Builder#newLayer()} starts another, {@link Builder#rawLayer} adds a blob that is not a tar.
 */
public final class OciImage {
    public static final String MEDIA_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String MEDIA_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String MEDIA_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String MEDIA_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    /** The applets {@link #busybox(String)} links in /bin. */
    public static final List<String> BUSYBOX_APPLETS = List.of("sh", "echo", "sleep", "cat", "ls", "true", "false",
            "env", "id", "hostname", "mount", "umount", "ps", "dd", "head", "tail", "yes", "touch", "seq", "wc", "grep",
            "kill", "readlink", "stat", "pwd", "mkdir", "rm", "test", "[", "sync", "printf", "date", "tr", "uname",
            "nproc", "whoami", "tee", "timeout", "stty");

    /** Fixed mtime (2024-01-01T00:00:00Z) of every tar entry, and the config's "created". */
    private static final long MTIME = 1704067200L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String ref;
    private final Path tar;
    private final String manifestDigest;
    private final String configDigest;
    private final String os;
    private final String architecture;

    private OciImage(String ref, Path tar, String manifestDigest, String configDigest, String os, String architecture) {
        this.ref = ref;
        this.tar = tar;
        this.manifestDigest = manifestDigest;
        this.configDigest = configDigest;
        this.os = os;
        this.architecture = architecture;
    }

    /** The image name in index.json and, once imported, in containerd. */
    public String ref() {
        return ref;
    }

    /** The image-layout tar. */
    public Path tar() {
        return tar;
    }

    /** {@code sha256:...} of the manifest (what containerd shows as the image's digest). */
    public String manifestDigest() {
        return manifestDigest;
    }

    public String configDigest() {
        return configDigest;
    }

    /** {@code os/architecture}, e.g. linux/amd64 or wasi/wasm: what {@code ctr ... --platform} takes. */
    public String platform() {
        return os + "/" + architecture;
    }

    /**
     * {@code ctr images import --base-name <name> --platform <os/arch> <tar>} (which also unpacks it into
     * the default snapshotter), checked with {@code ctr images ls}. Returns {@link #ref()}.
     */
    public String importInto(Ctr ctr) {
        return importInto(ctr, true);
    }

    /**
     * As {@link #importInto(Ctr)}; without unpacking when {@code unpack} is false ({@code --no-unpack}: what an
     * artifact needs, since containerd 2.1's unpacker refuses layers that are not in the config's rootfs; ctr run
     * makes the snapshot).
     */
    public String importInto(Ctr ctr, boolean unpack) {
        List<String> args = new ArrayList<>(List.of("images", "import", "--base-name", baseName(ref), "--platform", platform()));
        if (!unpack) args.add("--no-unpack");
        args.add(tar.toString());
        Ctr.Result r = ctr.run(args.toArray(String[]::new));
        if (!r.ok()) throw new IllegalStateException("ctr images import " + tar + " failed: " + r);
        List<String> names = ctr.run("images", "ls", "-q").orFail("ctr images ls").lines();
        if (!names.contains(ref)) {
            throw new IllegalStateException("imported " + tar + " but containerd has no image " + ref + ": " + names + "\n" + r);
        }
        return ref;
    }

    /** A builder for an empty image (no files) for linux and the JVM's architecture. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding Debian's static /bin/busybox with its applet links ({@link #BUSYBOX_APPLETS}),
     * the usual empty dirs, /etc/passwd and /etc/group with root, PATH in the env and {@code sh} as
     * command; add files, change the platform and so on before {@link Builder#build}.
     */
    public static Builder busybox(String ref) {
        if (!Files.isExecutable(BUSYBOX)) throw new IllegalStateException(BUSYBOX + " missing: apt-get install busybox-static");
        Builder b = builder().ref(ref).copy(BUSYBOX, "/bin/busybox", 0755);
        for (String applet : BUSYBOX_APPLETS) b.symlink("/bin/" + applet, "busybox");
        for (String d : List.of("/proc", "/sys", "/dev", "/etc", "/root", "/run", "/usr/bin", "/usr/sbin", "/sbin", "/var")) {
            b.directory(d, 0755);
        }
        b.directory("/tmp", 01777);
        b.file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", 0644);
        b.file("/etc/group", "root:x:0:\nnogroup:x:65534:\n", 0644);
        return b.env(DEFAULT_PATH).cmd("sh");
    }

    /** The JVM's architecture in OCI (Go) spelling: amd64, arm64, ... */
    public static String jvmArchitecture() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> a;
        };
    }

    /** The ref without tag or digest: what {@code --base-name} takes. */
    static String baseName(String ref) {
        int at = ref.indexOf('@');
        if (at >= 0) return ref.substring(0, at);
        int colon = ref.lastIndexOf(':');
        return colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
    }

    /** Adds files, links and config, then {@link #build(Path)} writes the image-layout tar. */
    public static final class Builder {
        private String ref;
        private String os = "linux";
        private String architecture = jvmArchitecture();
        private String variant;
        private final List<String> env = new ArrayList<>();
        private List<String> entrypoint;
        private List<String> cmd;
        private String workingDir;
        private String user;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> manifestAnnotations = new LinkedHashMap<>();
        private String configMediaType = MEDIA_CONFIG;
        private final List<Layer> layers = new ArrayList<>();
        private TarLayer current;

        private Builder() {}

        /** The image name, e.g. {@code docker.io/wasmj/busybox:it}; {@code :latest} is added when there is no tag. */
        public Builder ref(String ref) {
            this.ref = baseName(ref).equals(ref) ? ref + ":latest" : ref;
            return this;
        }

        /** A regular file with these bytes and permission bits (e.g. 0755). */
        public Builder file(String path, byte[] content, int mode) {
            layer().put(path, new Entry('0', content.clone(), mode, null));
            return this;
        }

        public Builder file(String path, String content, int mode) {
            return file(path, content.getBytes(StandardCharsets.UTF_8), mode);
        }

        /** A regular file owned by {@code uid:gid} (the others are root's). */
        public Builder file(String path, String content, int mode, int uid, int gid) {
            layer().put(path, new Entry('0', content.getBytes(StandardCharsets.UTF_8), mode, null, uid, gid));
            return this;
        }

        /** A host file's bytes as this file of the image. */
        public Builder copy(Path hostFile, String path, int mode) {
            try {
                return file(path, Files.readAllBytes(hostFile), mode);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * A host directory's content (files, dirs, symlinks, with their permission bits; owner root) under
         * {@code at} in the image ("/" for the image's root).
         */
        public Builder tree(Path hostDir, String at) {
            String base = normalize(at);
            try (Stream<Path> s = Files.walk(hostDir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.equals(hostDir)) continue;
                    String rel = hostDir.relativize(p).toString();
                    String path = base.isEmpty() ? rel : base + "/" + rel;
                    int mode = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
                    if (Files.isSymbolicLink(p)) {
                        symlink(path, Files.readSymbolicLink(p).toString());
                    } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        directory(path, mode);
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        file(path, Files.readAllBytes(p), mode);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** A directory (parents of files are added as 0755 directories anyway). */
        public Builder directory(String path, int mode) {
            layer().put(path, new Entry('5', new byte[0], mode, null));
            return this;
        }

        /** A symbolic link, e.g. {@code symlink("/bin/sh", "busybox")}. */
        public Builder symlink(String path, String target) {
            layer().put(path, new Entry('2', new byte[0], 0777, target));
            return this;
        }

        /** Adds to the config's Env ({@code NAME=value}); an entry of the same name is replaced. */
        public Builder env(String nameEqualsValue) {
            String name = nameEqualsValue.substring(0, Math.max(0, nameEqualsValue.indexOf('=')));
            env.removeIf(e -> e.startsWith(name + "="));
            env.add(nameEqualsValue);
            return this;
        }

        public Builder env(String name, String value) {
            return env(name + "=" + value);
        }

        public Builder entrypoint(String... args) {
            this.entrypoint = List.of(args);
            return this;
        }

        public Builder cmd(String... args) {
            this.cmd = List.of(args);
            return this;
        }

        public Builder workingDir(String dir) {
            this.workingDir = dir;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /** The config's (and the index entry's) os and architecture, e.g. ("wasi", "wasm"). */
        public Builder platform(String os, String architecture) {
            this.os = os;
            this.architecture = architecture;
            return this;
        }

        public Builder variant(String variant) {
            this.variant = variant;
            return this;
        }

        /** An annotation on the manifest. */
        public Builder annotation(String key, String value) {
            manifestAnnotations.put(key, value);
            return this;
        }

        public Builder configMediaType(String mediaType) {
            this.configMediaType = mediaType;
            return this;
        }

        /** Whether the current tar layer is gzip-compressed (the default) or plain, with the standard media type. */
        public Builder gzip(boolean gzip) {
            layer().mediaType = gzip ? MEDIA_LAYER_GZIP : MEDIA_LAYER_TAR;
            return this;
        }

        /** The current tar layer's media type; its blob is gzipped when the type ends in "gzip". */
        public Builder layerMediaType(String mediaType) {
            layer().mediaType = mediaType;
            return this;
        }

        /** Starts another tar layer: files added from now on go into it. */
        public Builder newLayer() {
            current = null;
            layer();
            return this;
        }

        /** A layer whose blob is these bytes as they are (not a tar), with this media type. */
        public Builder rawLayer(String mediaType, byte[] blob) {
            layers.add(new RawLayer(mediaType, blob.clone(), true));
            current = null;
            return this;
        }

        /**
         * A layer that is not part of the filesystem, as OCI artifacts carry their content (a Wasm module as
         * {@code application/wasm}, as runwasi's oci-tar-builder and wasm-to-oci write them): in the manifest,
         * but not in the config's {@code rootfs.diff_ids}, so containerd makes no snapshot layer of it.
         */
        public Builder artifactLayer(String mediaType, byte[] blob) {
            layers.add(new RawLayer(mediaType, blob.clone(), false));
            current = null;
            return this;
        }

        private TarLayer layer() {
            if (current == null) {
                current = new TarLayer();
                layers.add(current);
            }
            return current;
        }

        /** Writes the image-layout tar (replacing the file). */
        public OciImage build(Path tarFile) {
            if (ref == null) throw new IllegalStateException("no ref: call ref(...)");
            Map<String, byte[]> blobs = new LinkedHashMap<>();
            ArrayNode layerDescriptors = JSON.createArrayNode();
            ArrayNode diffIds = JSON.createArrayNode();
            for (Layer layer : layers) {
                byte[] blob;
                String mediaType;
                if (layer instanceof TarLayer t) {
                    byte[] plain = t.tar();
                    diffIds.add(digest(plain));
                    mediaType = t.mediaType;
                    blob = mediaType.endsWith("gzip") ? gzipBytes(plain) : plain;
                } else {
                    RawLayer r = (RawLayer) layer;
                    mediaType = r.mediaType;
                    blob = r.blob;
                    if (r.inRootfs) diffIds.add(digest(blob));
                }
                layerDescriptors.add(descriptor(mediaType, blob));
                blobs.put(digest(blob), blob);
            }

            ObjectNode config = JSON.createObjectNode();
            config.put("created", "2024-01-01T00:00:00Z");
            config.put("architecture", architecture);
            config.put("os", os);
            if (variant != null) config.put("variant", variant);
            ObjectNode runConfig = config.putObject("config");
            if (user != null) runConfig.put("User", user);
            if (!env.isEmpty()) env.forEach(runConfig.putArray("Env")::add);
            if (entrypoint != null) entrypoint.forEach(runConfig.putArray("Entrypoint")::add);
            if (cmd != null) cmd.forEach(runConfig.putArray("Cmd")::add);
            if (workingDir != null) runConfig.put("WorkingDir", workingDir);
            if (!labels.isEmpty()) {
                ObjectNode l = runConfig.putObject("Labels");
                labels.forEach((k, v) -> l.put(k, v));
            }
            ObjectNode rootfs = config.putObject("rootfs");
            rootfs.put("type", "layers");
            rootfs.set("diff_ids", diffIds);
            byte[] configBytes = json(config);
            blobs.put(digest(configBytes), configBytes);

            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MEDIA_MANIFEST);
            manifest.set("config", descriptor(configMediaType, configBytes));
            manifest.set("layers", layerDescriptors);
            if (!manifestAnnotations.isEmpty()) {
                ObjectNode a = manifest.putObject("annotations");
                manifestAnnotations.forEach((k, v) -> a.put(k, v));
            }
            byte[] manifestBytes = json(manifest);
            blobs.put(digest(manifestBytes), manifestBytes);

            ObjectNode index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", MEDIA_INDEX);
            ObjectNode entry = index.putArray("manifests").addObject();
            entry.setAll(descriptor(MEDIA_MANIFEST, manifestBytes));
            ObjectNode platform = entry.putObject("platform");
            platform.put("architecture", architecture);
            platform.put("os", os);
            if (variant != null) platform.put("variant", variant);
            entry.putObject("annotations").put(REF_NAME, ref);

            TreeMap<String, Entry> layout = new TreeMap<>();
            layout.put("oci-layout", new Entry('0', "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8), 0644, null));
            layout.put("index.json", new Entry('0', json(index), 0644, null));
            layout.put("blobs", new Entry('5', new byte[0], 0755, null));
            layout.put("blobs/sha256", new Entry('5', new byte[0], 0755, null));
            blobs.forEach((digest, bytes) -> layout.put("blobs/sha256/" + digest.substring("sha256:".length()),
                    new Entry('0', bytes, 0644, null)));
            try {
                if (tarFile.getParent() != null) Files.createDirectories(tarFile.getParent());
                try (OutputStream out = Files.newOutputStream(tarFile)) {
                    writeTar(layout, out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new OciImage(ref, tarFile, digest(manifestBytes), digest(configBytes), os, architecture);
        }
    }

    // --- layers and ustar

    private interface Layer {}

    private record RawLayer(String mediaType, byte[] blob, boolean inRootfs) implements Layer {}

    /** A tar entry: type '0' file, '2' symlink, '5' directory. */
    private record Entry(char type, byte[] content, int mode, String linkTarget, int uid, int gid) {
        Entry(char type, byte[] content, int mode, String linkTarget) {
            this(type, content, mode, linkTarget, 0, 0);
        }
    }

    private static final class TarLayer implements Layer {
        /** Sorted by path: a parent ("a") sorts before its children ("a/b"). */
        final TreeMap<String, Entry> entries = new TreeMap<>();
        String mediaType = MEDIA_LAYER_GZIP;

        void put(String path, Entry e) {
            String p = normalize(path);
            if (p.isEmpty()) throw new IllegalArgumentException("no path: " + path);
            // Parents as directories unless given.
            for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
                entries.putIfAbsent(p.substring(0, i), new Entry('5', new byte[0], 0755, null));
            }
            entries.put(p, e);
        }

        byte[] tar() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                writeTar(entries, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    /** "/a//b/" -> "a/b"; rejects "..". */
    static String normalize(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) throw new IllegalArgumentException(".. in image path " + path);
            parts.add(part);
        }
        return String.join("/", parts);
    }

    private static void writeTar(Map<String, Entry> entries, OutputStream out) throws IOException {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            String name = entry.type() == '5' ? e.getKey() + "/" : e.getKey();
            long size = entry.type() == '0' ? entry.content().length : 0;
            out.write(header(name, entry, size));
            if (size > 0) {
                out.write(entry.content());
                int pad = (int) ((512 - size % 512) % 512);
                out.write(new byte[pad]);
            }
        }
        out.write(new byte[1024]); // end of archive: two zero blocks
    }

    /** A POSIX ustar header block. */
    private static byte[] header(String name, Entry e, long size) {
        byte[] h = new byte[512];
        byte[] full = name.getBytes(StandardCharsets.UTF_8);
        if (full.length <= 100) {
            put(h, 0, 100, full);
        } else {
            // Split at a '/' into prefix (<= 155 bytes) and name (<= 100 bytes).
            int split = -1;
            for (int i = full.length - 1; i > 0; i--) {
                if (full[i] == '/' && i <= 155 && full.length - i - 1 <= 100 && full.length - i - 1 > 0) {
                    split = i;
                    break;
                }
            }
            if (split < 0) throw new IllegalArgumentException("path too long for ustar: " + name);
            put(h, 0, 100, java.util.Arrays.copyOfRange(full, split + 1, full.length));
            put(h, 345, 155, java.util.Arrays.copyOfRange(full, 0, split));
        }
        octal(h, 100, 8, e.mode());
        octal(h, 108, 8, e.uid());
        octal(h, 116, 8, e.gid());
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME);
        h[156] = (byte) e.type();
        if (e.linkTarget() != null) {
            byte[] link = e.linkTarget().getBytes(StandardCharsets.UTF_8);
            if (link.length > 100) throw new IllegalArgumentException("link target too long for ustar: " + e.linkTarget());
            put(h, 157, 100, link);
        }
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        if (e.uid() == 0) put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII)); // else no name: the id counts
        if (e.gid() == 0) put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
        // Checksum: the sum of all bytes with the checksum field as spaces; 6 octal digits, NUL, space.
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    /** An octal number, zero-padded to width-1 digits and NUL-terminated. */
    private static void octal(byte[] h, int offset, int width, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > width - 1) throw new IllegalArgumentException("value too large for tar field: " + value);
        s = "0".repeat(width - 1 - s.length()) + s;
        put(h, offset, width, (s + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static void put(byte[] h, int offset, int max, byte[] bytes) {
        System.arraycopy(bytes, 0, h, offset, Math.min(max, bytes.length));
    }

    // --- blobs

    private static ObjectNode descriptor(String mediaType, byte[] blob) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest(blob));
        d.put("size", blob.length);
        return d;
    }

    static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzipBytes(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] json(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
