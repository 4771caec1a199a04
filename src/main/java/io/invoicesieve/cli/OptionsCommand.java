package io.invoicesieve.cli;

import io.invoicesieve.config.OptionsTable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code options}: the configuration table of README.md (markdown), generated from SieveOptions. */
@Command(
        name = "options",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        description = "Print every sieve.* setting with its default, type and description (markdown).",
        footer = Cli.EXIT_CODES)
public final class OptionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(OptionsTable.markdown());
        spec.commandLine().getOut().flush();
        return Cli.OK;
    }
}
