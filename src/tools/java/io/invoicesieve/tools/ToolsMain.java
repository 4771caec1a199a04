package io.invoicesieve.tools;

import io.invoicesieve.Main;
import io.invoicesieve.tools.accuracy.AccuracyCommand;
import io.invoicesieve.tools.generator.GenerateCommand;
import io.invoicesieve.tools.learn.LabelsCommand;
import io.invoicesieve.tools.learn.TrainCommand;

/**
 * Entry point of the runnable jar (target/invoice-sieve.jar): every command of the job's
 * {@link Main} plus the tools, which never ship in the cluster jar.
 */
public final class ToolsMain {

    private ToolsMain() {}

    /** The tools' commands (generate, accuracy), new for each command line. */
    public static Object[] tools() {
        return new Object[] {GenerateCommand.commandLine(), AccuracyCommand.commandLine(), LabelsCommand.commandLine(),
            TrainCommand.commandLine()};
    }

    public static void main(String[] args) throws Exception {
        Main.main(args, tools());
    }
}
