using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml;
using Forge.Shared.Text.Extraction;
using Forge.Tests.Text;

namespace Forge.Bench;

/// <summary>
/// DOCX extraction against a raw <see cref="XmlReader"/> pass over the same word/document.xml (the least any
/// reader must do), with the bytes it allocates per byte of XML; then issue 10's crafted files, built by the tests'
/// <see cref="CraftedDocx"/> (the 100,000-level nesting and an archive inflating to 180 MB), beside a normal document of the same upload size.
/// </summary>
public static class DocxBenchmark
{
    private const string Start = """<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>""";
    private const string End = "</w:body></w:document>";

    public static async Task<int> RunAsync(int megabytes)
    {
        Console.WriteLine($"docx benchmark: {megabytes} MB of document.xml, {Environment.ProcessorCount} cores");
        var extractor = new DocumentTextExtractor(new SystemProcessRunner());
        var xml = NormalXml(megabytes * 1024 * 1024);
        var docx = Zip(xml, CompressionLevel.Optimal);
        await ExtractAsync(extractor, docx); // warm-up of both paths
        RawPass(xml);

        const int rounds = 3;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            RawPass(xml);
        }
        var raw = rounds * xml.Length / 1048576.0 / watch.Elapsed.TotalSeconds;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        watch.Restart();
        var characters = 0;
        for (var i = 0; i < rounds; i++)
        {
            characters = (await ExtractAsync(extractor, docx)).Length;
        }
        var forge = rounds * xml.Length / 1048576.0 / watch.Elapsed.TotalSeconds;
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)rounds;
        Console.WriteLine($"[docx] raw XmlReader pass:   {raw,8:F1} MB/s");
        Console.WriteLine($"[docx] Forge extraction:     {forge,8:F1} MB/s = {forge / raw:F2}x raw ({characters:N0} characters; {docx.Length / 1048576.0:F1} MB upload)");
        Console.WriteLine($"[docx] allocated per extraction: {allocated / 1048576.0:F0} MB = {allocated / xml.Length:F2} bytes per byte of XML; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MB");

        var deep = CraftedDocx.DeeplyNestedDocx(100_000);
        var sameSize = Zip(NormalXml(deep.Length), CompressionLevel.NoCompression);
        var normalTime = await TimeAsync(extractor, sameSize);
        var deepTime = await TimeAsync(extractor, deep);
        Console.WriteLine($"[deep] 100,000 nested content controls ({deep.Length / 1048576.0:F1} MB stored): refused in {deepTime.TotalMilliseconds:F0} ms"
            + $" = {deepTime / normalTime:F2}x a normal document of that size ({normalTime.TotalMilliseconds:F0} ms)");

        var expanding = CraftedDocx.ExpandingDocx(180L * 1024 * 1024);
        var expandingTime = await TimeAsync(extractor, expanding);
        Console.WriteLine($"[bomb] {expanding.Length / 1024} KB upload inflating to 180 MB of XML: refused in {expandingTime.TotalMilliseconds:F0} ms; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MB");
        return 0;
    }

    private static async Task<string> ExtractAsync(DocumentTextExtractor extractor, byte[] docx) =>
        (await extractor.ExtractAsync(new MemoryStream(docx), DocumentFormats.Docx, CancellationToken.None)).Text;

    /// <summary>Time to an answer, text or refusal: the crafted files must fail fast, not necessarily succeed.</summary>
    private static async Task<TimeSpan> TimeAsync(DocumentTextExtractor extractor, byte[] docx)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await ExtractAsync(extractor, docx);
        }
        catch (TextExtractionException)
        {
        }
        return watch.Elapsed;
    }

    private static void RawPass(byte[] xml)
    {
        using var reader = XmlReader.Create(new MemoryStream(xml));
        while (reader.Read())
        {
        }
    }

    private static byte[] NormalXml(int bytes)
    {
        var random = new Random(7);
        var text = new StringBuilder(bytes + 4096).Append(Start);
        while (text.Length < bytes)
        {
            text.Append($"<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>Cláusula {random.Next(1, 999)}ª</w:t></w:r>")
                .Append($"<w:r><w:t xml:space=\"preserve\"> O contrato {random.Next():X8} vigora por {random.Next(1, 60)} meses e é renovável.</w:t></w:r></w:p>");
        }
        return Encoding.UTF8.GetBytes(text.Append(End).ToString());
    }

    private static byte[] Zip(byte[] documentXml, CompressionLevel level)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = zip.CreateEntry("[Content_Types].xml").Open())
            {
                types.Write("""<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"""u8);
            }
            using var document = zip.CreateEntry("word/document.xml", level).Open();
            document.Write(documentXml);
        }
        return buffer.ToArray();
    }
}
