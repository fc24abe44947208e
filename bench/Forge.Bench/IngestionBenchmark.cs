using System.Diagnostics;
using System.Text;
using Forge.Shared.Text;
using Forge.Shared.Text.Extraction;
using Forge.Shared.Text.Segmentation;
using Forge.Tests.Text;

namespace Forge.Bench;

/// <summary>
/// Segmentation throughput on a large TXT beside a raw pass over the same text, and PDF extraction
/// (pdftotext plus page mapping) beside raw pdftotext on the same file, in the same run.
/// </summary>
public static class IngestionBenchmark
{
    private static readonly string[] Sentences =
    [
        "O presente contrato tem por objeto a prestação de serviços de consultoria em benefícios.",
        "A contratada deverá entregar os relatórios mensais até o quinto dia útil de cada mês.",
        "Os valores serão reajustados anualmente pelo índice oficial de preços ao consumidor.",
        "Customers receive meal and food cards that are accepted in more than a million places.",
        "Either party may terminate this agreement with thirty days of written notice.",
        "Fica eleito o foro da comarca de São Paulo para dirimir quaisquer dúvidas.",
    ];

    public static async Task<int> RunAsync(int megabytes, int pages)
    {
        Console.WriteLine($"ingestion benchmark: {megabytes} MB TXT, {pages}-page PDF, {Environment.ProcessorCount} cores");
        SegmentText(megabytes);
        await ExtractPdfAsync(pages);
        return 0;
    }

    private static void SegmentText(int megabytes)
    {
        var text = BuildText(megabytes * 1024 * 1024);
        var extracted = ExtractedText.SinglePage(text, "txt");
        var mb = Encoding.UTF8.GetByteCount(text) / 1024.0 / 1024.0;

        // Baseline: one pass splitting the same text into paragraphs, the least any segmenter must do.
        var watch = Stopwatch.StartNew();
        var paragraphs = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        var baseline = mb / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"[txt] baseline split into {paragraphs} paragraphs: {baseline,8:F1} MB/s");
        foreach (var type in Segmenters.Known)
        {
            var segmenter = Segmenters.Create(type)!;
            watch.Restart();
            var segments = segmenter.Segment(extracted, new SegmentConfig(1000, 100));
            var rate = mb / watch.Elapsed.TotalSeconds;
            Console.WriteLine($"[txt] {type,-13} {segments.Count,8} segments: {rate,8:F1} MB/s = {rate / baseline:F3}x baseline");
        }
    }

    private static async Task ExtractPdfAsync(int pages)
    {
        var random = new Random(11);
        var pdf = PdfBuilder.Text(Enumerable.Range(0, pages)
            .Select(p => Enumerable.Range(0, 40).Select(_ => Sentences[random.Next(Sentences.Length)][..60]).Prepend($"Página {p + 1}").ToArray()).ToList());
        var path = Path.Combine(Path.GetTempPath(), $"forge-bench-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var runner = new SystemProcessRunner();
            var extractor = new DocumentTextExtractor(runner);
            // Warm-up of both paths.
            await runner.RunAsync("pdftotext", ["-enc", "UTF-8", "-eol", "unix", path, "-"], TimeSpan.FromMinutes(2), CancellationToken.None);
            await using (var warm = File.OpenRead(path))
            {
                await extractor.ExtractAsync(warm, DocumentFormats.Pdf, CancellationToken.None);
            }

            const int rounds = 5;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < rounds; i++)
            {
                await runner.RunAsync("pdftotext", ["-enc", "UTF-8", "-eol", "unix", path, "-"], TimeSpan.FromMinutes(2), CancellationToken.None);
            }
            var raw = rounds * pages / watch.Elapsed.TotalSeconds;
            watch.Restart();
            var pagesSeen = 0;
            for (var i = 0; i < rounds; i++)
            {
                await using var content = File.OpenRead(path);
                pagesSeen = (await extractor.ExtractAsync(content, DocumentFormats.Pdf, CancellationToken.None)).Pages.Count;
            }
            var forge = rounds * pages / watch.Elapsed.TotalSeconds;
            Console.WriteLine($"[pdf] raw pdftotext:        {raw,8:F0} pages/s");
            Console.WriteLine($"[pdf] Forge extraction:     {forge,8:F0} pages/s = {forge / raw:F2}x raw ({pagesSeen} pages found)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string BuildText(int bytes)
    {
        var random = new Random(5);
        var builder = new StringBuilder(bytes + 1024);
        while (builder.Length < bytes)
        {
            var count = random.Next(2, 9);
            for (var i = 0; i < count; i++)
            {
                builder.Append(Sentences[random.Next(Sentences.Length)]).Append(' ');
            }
            builder.Length--;
            builder.Append("\n\n");
        }
        return builder.ToString();
    }
}
