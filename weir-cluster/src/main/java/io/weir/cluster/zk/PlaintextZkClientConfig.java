package io.weir.cluster.zk;

import java.util.List;

import org.apache.zookeeper.client.ZKClientConfig;

/**
 * The ZooKeeper client's configuration, read from the same system properties as
 * {@link ZKClientConfig}'s, without initialising the JDK's TLS stack.
 *
 * <p>Why: {@code ZKConfig}'s constructor reads the TLS property names from a {@code ClientX509Util}
 * and a {@code QuorumX509Util}, and {@code X509Util}'s static initialiser calls
 * {@code SSLContext.getDefault()} and {@code SSLServerSocketFactory.getDefault()}. For a client
 * that never uses TLS that loaded ~540 classes and parsed the JVM's {@code cacerts} in every
 * broker: 7-10 MiB of its peak RSS (docs/benchmarks.md, "The ZooKeeper client without TLS"). The
 * names are plain strings, so this class copies them by prefix instead. A client configured for TLS
 * ({@code zookeeper.client.secure=true} and {@code zookeeper.ssl.*}) still gets every value, and
 * the Netty socket it then uses builds its own {@code X509Util}.
 *
 * <p>Not thread-safe while being built, like {@link ZKClientConfig}; read-only afterwards.
 */
final class PlaintextZkClientConfig extends ZKClientConfig {

    /** What {@code ZKConfig} and {@code ZKClientConfig} copy from system properties, TLS aside. */
    private static final List<String> PLAIN_PROPERTIES = List.of(
        JUTE_MAXBUFFER, KINIT_COMMAND, JGSS_NATIVE,
        ZK_SASL_CLIENT_USERNAME, ZK_SASL_CLIENT_CANONICALIZE_HOSTNAME, LOGIN_CONTEXT_NAME_KEY,
        ENABLE_CLIENT_SASL_KEY, ZOOKEEPER_SERVER_REALM, DISABLE_AUTO_WATCH_RESET,
        ZOOKEEPER_CLIENT_CNXN_SOCKET, SECURE_CLIENT);

    /** Every TLS property {@code ZKConfig} copies starts with this (client and quorum). */
    private static final String TLS_PREFIX = "zookeeper.ssl.";

    /** {@code X509Util.FIPS_MODE_PROPERTY}, named here so that the class stays uninitialised. */
    private static final String FIPS_MODE = "zookeeper.fips-mode";

    /** Called by {@code ZKConfig}'s constructor, before this class's own fields are set. */
    @Override
    protected void handleBackwardCompatibility() {
        for (String key : PLAIN_PROPERTIES) {
            copySystemProperty(key);
        }
        copySystemProperty(FIPS_MODE);
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(TLS_PREFIX)) {
                copySystemProperty(key);
            }
        }
    }

    private void copySystemProperty(String key) {
        String value = System.getProperty(key);
        if (value != null) {
            setProperty(key, value);
        }
    }
}
