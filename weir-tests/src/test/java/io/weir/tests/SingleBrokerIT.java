package io.weir.tests;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base for test classes whose tests share one broker (each test uses its own topics). */
abstract class SingleBrokerIT {

    protected static WeirTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = WeirTestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
