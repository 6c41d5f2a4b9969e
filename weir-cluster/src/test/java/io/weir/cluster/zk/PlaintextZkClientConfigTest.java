package io.weir.cluster.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.QuorumX509Util;
import org.apache.zookeeper.common.X509Util;
import org.junit.jupiter.api.Test;

class PlaintextZkClientConfigTest extends ZkTestSupport {

    /** {@code X509Util}'s static initialiser sets this property when it is absent. */
    private static final String TLS_INIT_MARK = "jdk.tls.rejectClientInitiatedRenegotiation";

    @Test
    void readsEveryPropertyZooKeepersOwnConfigReads() throws Exception {
        List<String> keys = propertyNames();
        Map<String, String> saved = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            saved.put(key, System.getProperty(key));
            System.setProperty(key, "value-" + i);
        }
        try {
            ZKClientConfig zookeepers = new ZKClientConfig();
            ZKClientConfig ours = new PlaintextZkClientConfig();
            for (String key : keys) {
                assertEquals(zookeepers.getProperty(key), ours.getProperty(key), key);
            }
        } finally {
            saved.forEach((key, value) -> restore(key, value));
        }
    }

    @Test
    void unsetPropertiesReadAsZooKeepersDefaults() {
        ZKClientConfig zookeepers = new ZKClientConfig();
        ZKClientConfig ours = new PlaintextZkClientConfig();
        for (String key : propertyNames()) {
            if (System.getProperty(key) == null) {
                assertNull(ours.getProperty(key), key);
            }
        }
        assertEquals(zookeepers.isSaslClientEnabled(), ours.isSaslClientEnabled());
        assertEquals(zookeepers.getLong(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, -1),
            ours.getLong(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, -1));
    }

    /**
     * Loads ZooKeeper's classes afresh, so that {@code X509Util} starts uninitialised whatever
     * other tests in this JVM did, and watches the system property its initialiser sets.
     */
    @Test
    void leavesTheTlsStackUninitialised() throws Exception {
        String saved = System.getProperty(TLS_INIT_MARK);
        System.clearProperty(TLS_INIT_MARK);
        try (URLClassLoader fresh = freshZooKeeperLoader()) {
            newInstance(fresh, PlaintextZkClientConfig.class.getName());
            assertNull(System.getProperty(TLS_INIT_MARK), "X509Util was initialised");

            newInstance(fresh, ZKClientConfig.class.getName());
            assertEquals("true", System.getProperty(TLS_INIT_MARK),
                "ZooKeeper's own config no longer initialises X509Util, so the check above proves nothing");
        } finally {
            restore(TLS_INIT_MARK, saved);
        }
    }

    @Test
    void theStoresZooKeeperClientUsesIt() throws Exception {
        ZkStore store = connect();
        assertInstanceOf(PlaintextZkClientConfig.class,
            store.curator().getZookeeperClient().getZooKeeper().getClientConfig());
    }

    /** Every name ZooKeeper 3.9's {@code ZKConfig} and {@code ZKClientConfig} copy. */
    private static List<String> propertyNames() {
        List<String> keys = new ArrayList<>(List.of(
            ZKClientConfig.JUTE_MAXBUFFER, ZKClientConfig.KINIT_COMMAND, ZKClientConfig.JGSS_NATIVE,
            ZKClientConfig.ZK_SASL_CLIENT_USERNAME, ZKClientConfig.ZK_SASL_CLIENT_CANONICALIZE_HOSTNAME,
            ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, ZKClientConfig.ENABLE_CLIENT_SASL_KEY,
            ZKClientConfig.ZOOKEEPER_SERVER_REALM, ZKClientConfig.DISABLE_AUTO_WATCH_RESET,
            ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ZKClientConfig.SECURE_CLIENT,
            X509Util.FIPS_MODE_PROPERTY));
        try (ClientX509Util client = new ClientX509Util(); QuorumX509Util quorum = new QuorumX509Util()) {
            keys.add(client.getSslAuthProviderProperty());
            for (X509Util util : List.of(client, quorum)) {
                keys.addAll(List.of(util.getSslProtocolProperty(), util.getSslEnabledProtocolsProperty(),
                    util.getSslCipherSuitesProperty(), util.getSslKeystoreLocationProperty(),
                    util.getSslKeystorePasswdProperty(), util.getSslKeystorePasswdPathProperty(),
                    util.getSslKeystoreTypeProperty(), util.getSslTruststoreLocationProperty(),
                    util.getSslTruststorePasswdProperty(), util.getSslTruststorePasswdPathProperty(),
                    util.getSslTruststoreTypeProperty(), util.getSslContextSupplierClassProperty(),
                    util.getSslHostnameVerificationEnabledProperty(),
                    util.getSslClientHostnameVerificationEnabledProperty(),
                    util.getSslAllowReverseDnsLookupProperty(), util.getSslCrlEnabledProperty(),
                    util.getSslOcspEnabledProperty(), util.getSslClientAuthProperty(),
                    util.getSslHandshakeDetectionTimeoutMillisProperty()));
            }
        }
        return keys;
    }

    /** ZooKeeper's jar and this module's classes, loaded child-first; everything else from the parent. */
    private static URLClassLoader freshZooKeeperLoader() {
        URL[] urls = {
            ZKClientConfig.class.getProtectionDomain().getCodeSource().getLocation(),
            PlaintextZkClientConfig.class.getProtectionDomain().getCodeSource().getLocation(),
        };
        return new URLClassLoader(urls, PlaintextZkClientConfigTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith("org.apache.zookeeper.") && !name.startsWith("io.weir.cluster.zk.")) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    return loaded != null ? loaded : findClass(name);
                }
            }
        };
    }

    private static void newInstance(ClassLoader loader, String className)
            throws ReflectiveOperationException {
        var constructor = Class.forName(className, true, loader).getDeclaredConstructor();
        constructor.setAccessible(true);
        constructor.newInstance();
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
