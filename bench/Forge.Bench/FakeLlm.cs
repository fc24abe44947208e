using System.Runtime.InteropServices;
using Forge.Tests.Infrastructure;

namespace Forge.Bench;

/// <summary>The tests' fake OpenAI Chat Completions server on a fixed port, for trying Forge by hand.</summary>
public static class FakeLlm
{
    public static async Task<int> ServeAsync(int port, int latencyMs)
    {
        await using var server = await FakeOpenAiServer.StartAsync(port);
        server.Latency = TimeSpan.FromMilliseconds(latencyMs);
        Console.WriteLine($"fake OpenAI server at {server.BaseUrl} (latency {latencyMs} ms); Ctrl+C stops it. Point Forge at it with:");
        Console.WriteLine($"  --Forge:Ai:Providers:openai:ApiKey=x --Forge:Ai:Providers:openai:BaseUrl={server.BaseUrl}");
        var stop = new TaskCompletionSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop))
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop))
        {
            await stop.Task;
        }
        Console.WriteLine($"served {server.Requests.Count} requests, at most {server.MaxConcurrentRequests} at once");
        return 0;
    }
}
