package io.weir.cli.consume;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How {@code weir consume} prints a record, kcat {@code -f} style: {@code %k} key, {@code %s}
 * value, {@code %K} / {@code %S} their lengths (-1 when null), {@code %t} topic, {@code %p}
 * partition, {@code %o} offset, {@code %T} timestamp (ms), {@code %h} headers
 * ({@code k=v,k2=v2}), {@code %%} a percent sign; escapes {@code \n \t \r \\}. Keys, values and
 * header values are written as their raw bytes; a null one writes nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordFormat {

    /** kcat's default: the value and a newline. */
    public static final String DEFAULT = "%s\\n";

    /** Writes one piece of a record. */
    private interface Segment {
        void write(ConsumerRecord<byte[], byte[]> record, OutputStream out) throws IOException;
    }

    private final List<Segment> segments;

    private RecordFormat(List<Segment> segments) {
        this.segments = List.copyOf(segments);
    }

    public void write(ConsumerRecord<byte[], byte[]> record, OutputStream out) throws IOException {
        for (Segment segment : segments) {
            segment.write(record, out);
        }
    }

    /**
     * The inverse of {@code weir produce --key-separator SEP}: {@code key SEP value} for a record
     * with a key, {@code value} alone for one without, then a newline.
     */
    public static RecordFormat keyed(String separator) {
        byte[] sep = separator.getBytes(StandardCharsets.UTF_8);
        return new RecordFormat(List.of((r, out) -> {
            if (r.key() != null) {
                out.write(r.key());
                out.write(sep);
            }
        }, field('s'), literal("\n")));
    }

    /** Parses a template; an unknown {@code %x} or escape is an {@link IllegalArgumentException}. */
    public static RecordFormat parse(String template) {
        List<Segment> segments = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%' && c != '\\') {
                text.append(c);
                continue;
            }
            if (i + 1 == template.length()) {
                throw new IllegalArgumentException("the format ends in a lone '" + c + "'");
            }
            char next = template.charAt(++i);
            if (c == '\\') {
                text.append(escape(next));
            } else if (next == '%') {
                text.append('%');
            } else {
                segments.add(literal(text.toString()));
                text.setLength(0);
                segments.add(field(next));
            }
        }
        segments.add(literal(text.toString()));
        return new RecordFormat(segments);
    }

    private static char escape(char c) {
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case '\\' -> '\\';
            default -> throw new IllegalArgumentException("unknown escape '\\" + c + "' (use \\n \\t \\r \\\\)");
        };
    }

    private static Segment literal(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return (r, out) -> out.write(bytes);
    }

    private static Segment field(char c) {
        return switch (c) {
            case 'k' -> (r, out) -> writeBytes(r.key(), out);
            case 's' -> (r, out) -> writeBytes(r.value(), out);
            case 'K' -> (r, out) -> writeText(r.key() == null ? -1 : r.key().length, out);
            case 'S' -> (r, out) -> writeText(r.value() == null ? -1 : r.value().length, out);
            case 't' -> (r, out) -> writeText(r.topic(), out);
            case 'p' -> (r, out) -> writeText(r.partition(), out);
            case 'o' -> (r, out) -> writeText(r.offset(), out);
            case 'T' -> (r, out) -> writeText(r.timestamp(), out);
            case 'h' -> RecordFormat::writeHeaders;
            default -> throw new IllegalArgumentException("unknown field '%" + c
                + "' (use %k %s %K %S %t %p %o %T %h %%)");
        };
    }

    private static void writeHeaders(ConsumerRecord<byte[], byte[]> record, OutputStream out) throws IOException {
        boolean first = true;
        for (Header header : record.headers()) {
            if (!first) {
                out.write(',');
            }
            first = false;
            writeText(header.key() + "=", out);
            writeBytes(header.value(), out);
        }
    }

    private static void writeBytes(byte[] bytes, OutputStream out) throws IOException {
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static void writeText(Object value, OutputStream out) throws IOException {
        out.write(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }

    /** picocli converter for {@code --format}. */
    public static final class Converter implements ITypeConverter<RecordFormat> {
        @Override
        public RecordFormat convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
