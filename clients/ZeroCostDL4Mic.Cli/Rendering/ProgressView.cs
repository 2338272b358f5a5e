using Spectre.Console;
using Spectre.Console.Rendering;

namespace ZeroCostDL4Mic.Cli.Rendering;

/// <summary>One bar of a progress display.</summary>
public interface IProgressItem
{
    string Description { get; set; }
    double MaxValue { get; set; }
    double Value { get; set; }
    /// <summary>Time left as the server estimates it (shown in its own column; null = unknown).</summary>
    TimeSpan? Eta { set; }
    /// <summary>Fills the bar; in plain mode this prints the final description once.</summary>
    void Complete();
}

/// <summary>A progress display on stderr: live bars on a terminal, one line per finished item elsewhere (logs, pipes, tests).</summary>
public interface IProgressView
{
    IProgressItem Add(string description, double maxValue);
    /// <summary>A line above the bars (markup is escaped).</summary>
    void Line(string text);
}

public static class ProgressView
{
    public static async Task<T> RunAsync<T>(CliConsole console, Func<IProgressView, Task<T>> body)
    {
        if (!console.LiveProgress)
            return await body(new PlainView(console));

        return await console.Stderr.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(),
                new ElapsedTimeColumn(), new ServerEtaColumn())
            .StartAsync(context => body(new LiveView(console, context)));
    }

    private sealed class LiveView(CliConsole console, ProgressContext context) : IProgressView
    {
        public IProgressItem Add(string description, double maxValue) =>
            new LiveItem(context.AddTask(Markup.Escape(description), maxValue: Math.Max(maxValue, 1e-9)));

        public void Line(string text) => console.Stderr.MarkupLine(Markup.Escape(text));
    }

    private sealed class LiveItem(ProgressTask task) : IProgressItem
    {
        private string _description = "";

        public string Description
        {
            get => _description;
            set { _description = value; task.Description = Markup.Escape(value); }
        }

        public double MaxValue { get => task.MaxValue; set => task.MaxValue = Math.Max(value, 1e-9); }
        public double Value { get => task.Value; set => task.Value = Math.Min(value, task.MaxValue); }

        public TimeSpan? Eta
        {
            set => task.State.Update<double>(ServerEtaColumn.Key, _ => value?.TotalSeconds ?? -1);
        }

        public void Complete()
        {
            task.Value = task.MaxValue;
            task.State.Update<double>(ServerEtaColumn.Key, _ => -1);
            task.StopTask();
        }
    }

    /// <summary>"ETA 01:23" from the server's estimate (Spectre's own column would guess it from the bar's speed).</summary>
    private sealed class ServerEtaColumn : ProgressColumn
    {
        public const string Key = "server_eta_seconds";

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var seconds = task.State.Get<double>(Key);
            return seconds > 0 && !task.IsFinished
                ? new Text($"ETA {Watching.JobWatcher.Duration(TimeSpan.FromSeconds(seconds))}", new Style(Color.Blue))
                : Text.Empty;
        }

        public override int? GetColumnWidth(RenderOptions options) => 11;
    }

    private sealed class PlainView(CliConsole console) : IProgressView
    {
        public IProgressItem Add(string description, double maxValue) => new PlainItem(console, description, maxValue);
        public void Line(string text) => console.Note(text);
    }

    private sealed class PlainItem(CliConsole console, string description, double maxValue) : IProgressItem
    {
        private bool _completed;
        public string Description { get; set; } = description;
        public double MaxValue { get; set; } = maxValue;
        public double Value { get; set; }
        public TimeSpan? Eta { get; set; }

        public void Complete()
        {
            if (_completed) return;
            _completed = true;
            console.Note(Description);
        }
    }
}
