package org.mtlab.trainer.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One PyTorch CPU manager for a test class, offline, closed after the class's last test:
 * {@code @RegisterExtension static final CpuEngine ENGINE = new CpuEngine();} then {@code ENGINE.manager()}.
 */
final class CpuEngine implements BeforeAllCallback, AfterAllCallback {
    private NDManager manager;

    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty("ai.djl.offline", "true");
        manager = Engine.getEngine(MultiTaskTrainer.ENGINE).newBaseManager(Device.cpu());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        manager.close();
        manager = null;
    }

    NDManager manager() {
        if (manager == null) {
            throw new IllegalStateException("register CpuEngine as a static @RegisterExtension field");
        }
        return manager;
    }
}
