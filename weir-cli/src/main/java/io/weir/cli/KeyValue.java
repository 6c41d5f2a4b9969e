package io.weir.cli;

import java.util.Objects;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** One {@code --set KEY=VALUE} override; the value may contain '=' (split at the first one). Immutable. */
public record KeyValue(String key, String value) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public static KeyValue parse(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected KEY=VALUE, got '" + arg + "'");
        }
        return new KeyValue(arg.substring(0, eq).trim(), arg.substring(eq + 1));
    }

    /** picocli converter for options of this type. */
    public static final class Converter implements ITypeConverter<KeyValue> {
        @Override
        public KeyValue convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
