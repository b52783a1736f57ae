package dev.takeover.checkpoint;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A store for tests that gate, count or fail the calls to another (published in the test-jar with
 * {@link CheckpointFixtures}).
 */
public final class InterceptedStore {

    /** Runs ahead of each call; what it throws is what the caller gets, and the call does not reach the store. */
    @FunctionalInterface
    public interface BeforeCall {
        /**
         * @param method the {@link CheckpointStore} method's name
         * @param args   its arguments (null when it takes none)
         */
        void before(String method, Object[] args) throws Exception;
    }

    private InterceptedStore() {
    }

    /** @return {@code target} behind {@code before}: every call runs {@code before}, then {@code target}'s method */
    public static CheckpointStore of(CheckpointStore target, BeforeCall before) {
        return (CheckpointStore) Proxy.newProxyInstance(InterceptedStore.class.getClassLoader(),
                new Class<?>[] {CheckpointStore.class}, (proxy, method, args) -> {
                    before.before(method.getName(), args);
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
