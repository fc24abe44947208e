using System.Diagnostics;

namespace Forge.Tests.Infrastructure;

/// <summary>A Forge worker in its own OS process, to be killed for real.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _output = new();

    private readonly string _readyLine;

    private WorkerProcess(Process process, string readyLine)
    {
        _process = process;
        _readyLine = readyLine;
    }

    public int Id => _process.Id;

    /// <summary>The Forge host itself (src/Forge.Functions), e.g. with <c>--role worker</c>; ready once it has started.</summary>
    public static Task<WorkerProcess> StartForgeAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        return StartAsync(Path.Combine(RepoPaths.Root, "src", "Forge.Functions", "bin", RepoPaths.Configuration, "net10.0", "Forge.Functions.dll"),
            arguments, "Application started", variables);
    }

    public bool HasExited => _process.HasExited;

    private static async Task<WorkerProcess> StartAsync(string dll, IEnumerable<string> arguments, string readyLine, Dictionary<string, string> environment)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The worker test host was not built: {dll}");
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, readyLine);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        process.Exited += (_, _) => worker._ready.TrySetException(new InvalidOperationException($"Worker exited early ({process.ExitCode}): {worker.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return worker;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no lease given back, exactly like a crashed machine.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (line.Contains(_readyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
