package io.weir.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** {@code weir --version}: the Maven version filtered into {@code version.properties}. Stateless. */
public final class WeirVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"weir " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }

    /** The build's version, or "unknown" when run from unfiltered resources. */
    public static String version() {
        try (InputStream in = WeirVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
