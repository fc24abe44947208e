using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Forge.Tests.Infrastructure;

namespace Forge.Tests.Hosting;

/// <summary>
/// <c>bash scripts/run.sh --urls ...</c> as a newcomer runs it, with its own data folder, on the build the tests were
/// made from (FORGE_RUN_NO_BUILD). Every wait is bounded and every failure carries the script's output.
/// </summary>
public sealed partial class RunScriptProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunScriptProcess(Process process, string dataPath, Uri url)
    {
        _process = process;
        DataPath = dataPath;
        Url = url;
    }

    public string DataPath { get; }

    public Uri Url { get; }

    public int AzuritePid { get; private set; }

    public int[] AzuritePorts { get; private set; } = [];

    public bool HasExited => _process.HasExited;

    public static RunScriptProcess Start(string dataPath, params string[] arguments) => Start(dataPath, storage: null, arguments);

    /// <summary>The script handed AzureWebJobsStorage, as a user with storage of their own would set it.</summary>
    public static RunScriptProcess StartWithStorage(string dataPath, string storage) => Start(dataPath, storage, []);

    private static RunScriptProcess Start(string dataPath, string? storage, string[] arguments)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        // env resets SIGINT: a process started in the background (as a test host may be) ignores it, and bash cannot
        // trap a signal that was ignored when it started, so Ctrl-C's path would go untested.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] command = ["--default-signal=INT", "bash", Path.Combine(RepoPaths.Root, "scripts", "run.sh"),
            .. arguments.Length > 0 ? arguments : ["--urls", url.AbsoluteUri.TrimEnd('/')]];
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("AzureWebJobsStorage");
        if (storage is not null)
        {
            start.Environment["AzureWebJobsStorage"] = storage;
        }
        start.Environment["Forge__DataPath"] = dataPath;
        start.Environment["FORGE_RUN_NO_BUILD"] = "1";
        start.Environment["FORGE_RUN_CONFIGURATION"] = RepoPaths.Configuration;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = new Process { StartInfo = start };
        var run = new RunScriptProcess(process, dataPath, url);
        process.OutputDataReceived += (_, e) => run.Append(e.Data);
        process.ErrorDataReceived += (_, e) => run.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
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

    /// <summary>Until <c>/health</c> answers 200; reads the Azurite the script announced on the way.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, bool expectAzurite = true)
    {
        using var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"run.sh exited with {_process.ExitCode} before {Url}health answered:\n{Output}");
            }
            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    if (expectAzurite)
                    {
                        ReadAzurite();
                    }
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Url}health did not answer 200 within {timeout.TotalSeconds} s; run.sh said:\n{Output}");
    }

    /// <summary>For a verb: waits for the script to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"run.sh did not exit within {timeout.TotalSeconds} s:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT) to the script and waits for it to exit.</summary>
    public async Task<int> StopAsync(string signal, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"run.sh did not exit within {timeout.TotalSeconds} s of SIG{signal}:\n{Output}");
        }
        return _process.ExitCode;
    }

    public static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    public static string CommandLineOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    public static bool IsListening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public bool StartedAzurite => AzuriteLine().IsMatch(Output);

    public async ValueTask DisposeAsync()
    {
        // A failed test must not leave Forge or Azurite behind: the whole tree, Azurite included (the script's child).
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        if (AzuritePid > 0 && IsRunning(AzuritePid))
        {
            Process.GetProcessById(AzuritePid).Kill();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private void ReadAzurite()
    {
        var match = AzuriteLine().Match(Output);
        if (!match.Success)
        {
            throw new InvalidOperationException($"run.sh did not say which Azurite it started:\n{Output}");
        }
        AzuritePid = int.Parse(match.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
        AzuritePorts = [.. new[] { "blob", "queue", "table" }.Select(g => int.Parse(match.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture))];
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Azurite \(pid (?<pid>\d+)\) on 127\.0\.0\.1 ports (?<blob>\d+) \(blob\), (?<queue>\d+) \(queue\), (?<table>\d+) \(table\)")]
    private static partial Regex AzuriteLine();
}
