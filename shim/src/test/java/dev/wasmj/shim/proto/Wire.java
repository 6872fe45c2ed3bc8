package dev.wasmj.shim.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Helpers to write expected encodings by hand: hex bytes and ASCII text, concatenated. */
final class Wire {
  private Wire() {}

  /** Bytes from space-separated hex, e.g. {@code hex("0a 02")}. */
  static byte[] hex(String hex) {
    return HexFormat.ofDelimiter(" ").parseHex(hex.trim());
  }

  /** The ASCII bytes of a string. */
  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static String show(byte[] b) {
    return HexFormat.ofDelimiter(" ").formatHex(b);
  }

  /** Compares as hex so a failure shows where the bytes differ. */
  static void assertEncodes(byte[] expected, MessageLite message) {
    assertEquals(show(expected), show(message.toByteArray()));
  }

  /**
   * Asserts a message's complete field list, in declaration order, as "name=number:type" with
   * type being the proto scalar type, or the message/enum full name, prefixed by "repeated " or
   * "map " where it applies.
   */
  static void assertFields(Descriptor d, String... expected) {
    List<String> actual = new ArrayList<>();
    for (FieldDescriptor f : d.getFields()) {
      actual.add(f.getName() + "=" + f.getNumber() + ":" + typeOf(f));
    }
    assertEquals(List.of(expected), actual, d.getFullName());
  }

  private static String typeOf(FieldDescriptor f) {
    if (f.isMapField()) {
      Descriptor entry = f.getMessageType();
      return "map<" + typeOf(entry.findFieldByName("key")) + "," + typeOf(entry.findFieldByName("value")) + ">";
    }
    String base = switch (f.getType()) {
      case MESSAGE, GROUP -> f.getMessageType().getFullName();
      case ENUM -> f.getEnumType().getFullName();
      default -> f.getType().name().toLowerCase();
    };
    return f.isRepeated() ? "repeated " + base : base;
  }
}
