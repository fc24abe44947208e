using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Ai;
using Forge.Shared.Text;
using Forge.Shared.Text.Segmentation;

namespace Forge.Bench;

/// <summary>
/// Issue 10's quadratic regex: the extractive generator and every segmenter on text crafted to make a backtracking
/// pattern rescan (100 KB of <c>"*\n"</c> lines; one line of "Q" and blanks) beside a normal FAQ of the same size, in
/// the same run. Each crafted time is reported as a ratio to the normal one; a linear pattern keeps it near 1.
/// </summary>
public static class RegexBenchmark
{
    private const string Question = "Do you ship abroad?";

    private static readonly string[] Answers =
    [
        "Yes, we ship to more than thirty countries in Europe and the Americas.",
        "Orders placed before noon leave the warehouse on the same business day.",
        "Sim, aceitamos Pix e cartão de crédito em até doze vezes sem juros.",
        "The delivery time depends on the destination and the carrier chosen at checkout.",
    ];

    public static int Run(int kilobytes, int repeat)
    {
        var size = kilobytes * 1024;
        Console.WriteLine($"regex benchmark: {kilobytes} KB segments, best of {repeat}, {Environment.ProcessorCount} cores");
        var normal = NormalFaq(size);
        var crafted = new (string Name, string Text)[]
        {
            ("star lines, then the answer", $"Q: {Question}\n{Repeat("*\n", size)}Yes, to 30 countries."),
            ("star lines, then a marked answer", $"Q: {Question}\n{Repeat("*\n", size)}A: Yes, to 30 countries."),
            ("'Q' and blanks on one line", $"Q{new string(' ', size)}\n{Question}\nYes."),
        };

        var baseline = Best(repeat, () => Generate(normal));
        Console.WriteLine($"[generator] normal FAQ segment: {baseline * 1000,9:F1} ms");
        var worst = 0.0;
        foreach (var (name, text) in crafted)
        {
            var time = Best(repeat, () => Generate(text));
            worst = Math.Max(worst, time / baseline);
            Console.WriteLine($"[generator] {name,-34}: {time * 1000,9:F1} ms = {time / baseline,7:F2}x normal");
        }

        // Segmenters work line by line, so their normal text is many short pairs: lines as short as a real FAQ has.
        var document = ShortPairs(size);
        Console.WriteLine($"segmenters: normal FAQ of {document.Count(c => c == '\n')} lines; crafted texts of up to {size / 2} lines");
        foreach (var type in Segmenters.Known)
        {
            var segmenter = Segmenters.Create(type)!;
            var config = new SegmentConfig(SegmentConfig.MaxMaxLength);
            var segmentBaseline = Best(repeat, () => segmenter.Segment(ExtractedText.SinglePage(document, "txt"), config));
            Console.WriteLine($"[{type}] normal FAQ text: {segmentBaseline * 1000,9:F1} ms");
            foreach (var (name, text) in crafted)
            {
                var time = Best(repeat, () => segmenter.Segment(ExtractedText.SinglePage(text, "txt"), config));
                worst = Math.Max(worst, time / segmentBaseline);
                Console.WriteLine($"[{type}] {name,-34}: {time * 1000,9:F1} ms = {time / segmentBaseline,7:F2}x normal");
            }
        }
        Console.WriteLine($"worst crafted/normal ratio: {worst:F2}x");
        return 0;
    }

    /// <summary>One FAQ pair whose answer is <paramref name="size"/> characters of ordinary sentences.</summary>
    private static string NormalFaq(int size)
    {
        var text = new StringBuilder($"Q: {Question}\nA: ");
        for (var i = 0; text.Length < size; i++)
        {
            text.Append(Answers[i % Answers.Length]).Append(i % 5 == 4 ? "\n" : " ");
        }
        return text.ToString();
    }

    private static string ShortPairs(int size)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < size; i++)
        {
            text.Append("Q: Pix?\nA: ").Append(Answers[i % Answers.Length][..12]).Append('\n');
        }
        return text.ToString();
    }

    private static string Repeat(string unit, int size) => new StringBuilder(size + unit.Length).Insert(0, unit, size / unit.Length).ToString();

    private static void Generate(string text)
    {
        try
        {
            ExtractiveGenerator.Generate(new GenerationPrompt(null, "unused", text, Segmenters.Faq,
                new JsonObject { ["question"] = Question }, 0, new GenerationSettings()));
        }
        catch (GenerationSkippedException)
        {
            // Skipping a segment with nothing to answer is a result too; its time counts the same.
        }
    }

    /// <summary>The fastest of <paramref name="repeat"/> runs, in seconds, after one warm-up run.</summary>
    private static double Best(int repeat, Action run)
    {
        run();
        var best = double.MaxValue;
        for (var i = 0; i < repeat; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }
}
