package io.invoicesieve.testing;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit glue shared by the services: the first test class that asks for a service starts it, every
 * later class in the same JVM gets the same instance, and JUnit closes it when the whole run ends
 * (the root store closes its {@link CloseableResource}s last). The service is also injected into any
 * test, lifecycle method or constructor parameter of its type.
 */
abstract class SharedServiceExtension<S extends CloseableResource>
        implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SharedServiceExtension.class);

    private final Class<S> type;
    private final Supplier<S> starter;

    SharedServiceExtension(Class<S> type, Supplier<S> starter) {
        this.type = type;
        this.starter = starter;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        service(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return service(context);
    }

    private S service(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(type, t -> starter.get(), type);
    }
}
