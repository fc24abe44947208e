using System.Text;
using Forge.Shared.Text;
using Forge.Shared.Text.Segmentation;

namespace Forge.Tests.Text;

public sealed class SegmentationPropertyTests
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzáãçéêíóõúABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var type in Segmenters.Known)
        {
            for (var seed = 1; seed <= 15; seed++)
            {
                data.Add(type, seed);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomTextRespectsMaxLengthAndCoversAllText(string type, int seed)
    {
        var random = new Random(seed);
        var text = ExtractedText.SinglePage(RandomText(random, random.Next(200, 6000)), "txt");
        var maxLength = random.Next(SegmentConfig.MinMaxLength, 400);
        var config = new SegmentConfig(maxLength, random.Next(0, maxLength / 2));

        var segments = SegmentationAssertions.Run(type, text, config);

        var covered = new bool[text.Text.Length];
        foreach (var segment in segments)
        {
            Array.Fill(covered, true, segment.CharStart, segment.CharEnd - segment.CharStart);
        }
        var missed = Enumerable.Range(0, covered.Length).FirstOrDefault(i => !covered[i] && !char.IsWhiteSpace(text.Text[i]), -1);
        missed.Should().Be(-1, "every non-whitespace character belongs to a segment ({0}, seed {1})", type, seed);
    }

    [Fact]
    public void FiveMegabytesSegmentWithoutBlowingUp()
    {
        var random = new Random(42);
        var prose = RandomText(random, 5_000_000);
        var csv = new StringBuilder("id,name,notes\n");
        var rows = 0;
        for (; csv.Length < 5_000_000; rows++)
        {
            var i = rows;
            csv.Append(i).Append(",Cliente ").Append(i).Append(",\"Ligou, pediu retorno\nà tarde\"\n");
        }
        var config = new SegmentConfig(1000, 100);

        foreach (var type in Segmenters.Known)
        {
            var source = type == Segmenters.CrmRecord ? csv.ToString() : prose;
            var segments = Segmenters.Create(type)!.Segment(ExtractedText.SinglePage(source, "txt"), config);

            segments.Should().NotBeEmpty();
            if (type == Segmenters.CrmRecord)
            {
                segments.Should().HaveCount(rows, "every CSV row is one record");
                segments[^1].Metadata["fields"]!["notes"]!.GetValue<string>().Should().Be("Ligou, pediu retorno\nà tarde");
            }
            segments[^1].CharEnd.Should().BeGreaterThan(source.Length - 200, type);
        }
    }

    /// <summary>Words of random length (sometimes longer than any max_length), with sentence ends, line and paragraph breaks.</summary>
    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder(length + 600);
        while (text.Length < length)
        {
            var wordLength = random.Next(100) < 2 ? random.Next(60, 500) : random.Next(1, 14);
            for (var i = 0; i < wordLength; i++)
            {
                text.Append(Letters[random.Next(Letters.Length)]);
            }
            text.Append(random.Next(100) switch
            {
                < 8 => ". ",
                < 10 => "? ",
                < 12 => ", ",
                < 15 => "\n",
                < 17 => "\n\n",
                < 18 => "  \n \n",
                _ => " ",
            });
        }
        return text.ToString();
    }
}
