using Spectre.Console;

namespace ZeroCostDL4Mic.Cli;

/// <summary>
/// Where output goes: results (tables or --json) to stdout, everything else (progress, notes, errors) to
/// stderr, so `dl4mic ... --json | jq` always reads clean JSON.
/// </summary>
public sealed class CliConsole
{
    private CliConsole(TextWriter output, TextWriter error, IAnsiConsole stdout, IAnsiConsole stderr)
    {
        Output = output;
        Error = error;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>Raw stdout, for JSON and plain values (ids).</summary>
    public TextWriter Output { get; }

    /// <summary>Raw stderr, also used by the command-line parser for its messages.</summary>
    public TextWriter Error { get; }

    /// <summary>Rich stdout for tables.</summary>
    public IAnsiConsole Stdout { get; }

    /// <summary>Rich stderr for progress bars, notes and errors.</summary>
    public IAnsiConsole Stderr { get; }

    /// <summary>True when stderr is a terminal that can redraw a live progress bar.</summary>
    public bool LiveProgress => Stderr.Profile.Capabilities.Interactive && Stderr.Profile.Out.IsTerminal;

    public static CliConsole ForProcess()
    {
        IAnsiConsole Rich(TextWriter writer)
        {
            var output = new AnsiConsoleOutput(writer);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = output });
            // Redirected to a file or pipe: no 80-column wrapping of tables and messages.
            if (!output.IsTerminal) console.Profile.Width = 200;
            return console;
        }
        return new CliConsole(Console.Out, Console.Error, Rich(Console.Out), Rich(Console.Error));
    }

    /// <summary>A console writing plain text (no colours, no live display) to the given writers; for tests and embedding.</summary>
    public static CliConsole ForWriters(TextWriter output, TextWriter error, int width = 160)
    {
        IAnsiConsole Plain(TextWriter writer)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(writer),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            console.Profile.Width = width;
            return console;
        }
        var syncOutput = TextWriter.Synchronized(output);
        var syncError = TextWriter.Synchronized(error);
        return new CliConsole(syncOutput, syncError, Plain(syncOutput), Plain(syncError));
    }

    /// <summary>A note for the user on stderr (markup-escaped).</summary>
    public void Note(string text) => Stderr.MarkupLine(Markup.Escape(text));

    public void Warn(string text) => Stderr.MarkupLine($"[yellow]warning:[/] {Markup.Escape(text)}");
}
