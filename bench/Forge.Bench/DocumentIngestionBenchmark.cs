using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forge.Shared.Text.Extraction;
using Forge.Shared.Text.Segmentation;
using Forge.Tests.Infrastructure;

namespace Forge.Bench;

/// <summary>
/// What the orchestration costs a document: 200 small TXT uploads processed through a real Forge (its own process,
/// HTTP, SQLite, the Durable Task worker on Azurite), against extraction and segmentation of the same texts alone,
/// measured in the same run.
/// </summary>
public static class DocumentIngestionBenchmark
{
    public static async Task<int> RunAsync(int documents)
    {
        var texts = Enumerable.Range(0, documents).Select(Text).ToList();
        var azurite = await AzuriteServer.StartedAsync();
        Console.WriteLine($"{documents} TXT documents of ~{texts.Average(t => t.Length) / 1024:F1} KB; {BenchHost.LoadAverage()}");

        var extractor = new DocumentTextExtractor(new SystemProcessRunner());
        var segmenter = Segmenters.Create(Segmenters.Paragraph)!;
        var alone = Stopwatch.StartNew();
        var segments = 0;
        foreach (var text in texts)
        {
            var extracted = await extractor.ExtractAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), "txt", CancellationToken.None);
            segments += segmenter.Segment(extracted, new SegmentConfig()).Count;
        }
        var aloneRate = documents / alone.Elapsed.TotalSeconds;
        Console.WriteLine($"extraction + segmentation alone: {aloneRate:F0} documents/s ({segments} segments)");

        var data = Directory.CreateTempSubdirectory("forge-bench-docs-").FullName;
        var port = FreePort();
        using var forge = StartForge(data, port, azurite.ConnectionString);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        await WaitHealthyAsync(http, forge);
        var domain = (await ReadAsync(await http.PostAsJsonAsync("/api/v1/domains", new { name = "Bench", slug = $"bench-{Guid.NewGuid():N}"[..20] }))).GetProperty("id").GetGuid();

        var through = Stopwatch.StartNew();
        await Parallel.ForEachAsync(texts.Select((t, i) => (t, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (doc, ct) =>
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(doc.t)), "file", $"doc-{doc.i}.txt" } };
            var id = (await ReadAsync(await http.PostAsync($"/api/v1/documents/upload?domain_id={domain}", form, ct))).GetProperty("id").GetGuid();
            (await http.PostAsJsonAsync($"/api/v1/documents/{id}/process", new { segment_type = "paragraph" }, ct)).EnsureSuccessStatusCode();
        });
        var uploaded = through.Elapsed.TotalSeconds;
        while (true)
        {
            var list = await ReadAsync(await http.GetAsync($"/api/v1/documents?domain_id={domain}"));
            var statuses = list.EnumerateArray().Select(d => d.GetProperty("status").GetString()).ToList();
            if (statuses.Count(s => s is "processed" or "failed") == documents)
            {
                if (statuses.Any(s => s == "failed"))
                {
                    throw new InvalidOperationException("A document failed; the benchmark measures successful processing.");
                }
                break;
            }
            await Task.Delay(100);
        }
        var rate = documents / through.Elapsed.TotalSeconds;
        Console.WriteLine($"through Forge (upload + process over HTTP, durable orchestration): {rate:F1} documents/s " +
            $"(uploads and process requests took {uploaded:F1} s of {through.Elapsed.TotalSeconds:F1} s) = {rate / aloneRate:F3}x extraction+segmentation alone");
        forge.Kill(entireProcessTree: true);
        await forge.WaitForExitAsync();
        Directory.Delete(data, recursive: true);
        return 0;
    }

    private static string Text(int i)
    {
        var paragraphs = Enumerable.Range(0, 6).Select(p =>
            $"Clause {i}.{p}: the supplier delivers the goods within {p + 10} days of the order, and the customer pays " +
            $"within {p + 30} days of delivery. Late payment accrues interest at {p + 2} percent per annum on the amount due.");
        return string.Join("\n\n", paragraphs);
    }

    private static Process StartForge(string data, int port, string storage)
    {
        var dll = Path.Combine(RepoPaths.Root, "src", "Forge.Functions", "bin", RepoPaths.Configuration, "net10.0", "Forge.Functions.dll");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", $"--Forge:DataPath={data}", "--Forge:Database=sqlite", "--Forge:Auth:AllowAnonymous=true" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["AzureWebJobsStorage"] = storage;
        start.Environment["Forge__Extensions__DurableTask__HubName"] = $"benchdocs{Guid.NewGuid():N}"[..24];
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process forge)
    {
        for (var i = 0; i < 600; i++)
        {
            if (forge.HasExited)
            {
                throw new InvalidOperationException($"Forge exited with {forge.ExitCode} before it answered /health.");
            }
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("Forge did not answer /health within 60 s.");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        }
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
