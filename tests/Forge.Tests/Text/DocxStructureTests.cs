using Forge.Shared.Text.Extraction;

namespace Forge.Tests.Text;

/// <summary>What the streaming DOCX reader takes from each WordprocessingML structure, from hand-written XML.</summary>
public sealed class DocxStructureTests
{
    private static async Task<string> TextOf(string bodyXml)
    {
        var docx = CraftedDocx.Zip(
            ("[Content_Types].xml", """<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"""),
            ("word/document.xml", $"""<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{bodyXml}<w:sectPr/></w:body></w:document>"""));
        return (await new DocumentTextExtractor(new SystemProcessRunner()).ExtractAsync(new MemoryStream(docx), DocumentFormats.Docx, CancellationToken.None)).Text;
    }

    [Fact]
    public async Task ContentControlsAndCustomXmlShowTheirContentButNotTheirProperties()
    {
        var text = await TextOf("""
            <w:sdt><w:sdtPr><w:alias w:val="Título"/><w:placeholder><w:docPart w:val="x"/></w:placeholder></w:sdtPr>
              <w:sdtContent><w:p><w:r><w:t>Primeiro</w:t></w:r></w:p>
                <w:customXml w:element="clause"><w:p><w:r><w:t>Segundo</w:t></w:r></w:p></w:customXml>
              </w:sdtContent></w:sdt>
            <w:p><w:r><w:t>Terceiro</w:t></w:r></w:p>
            """);

        text.Should().Be("Primeiro\n\nSegundo\n\nTerceiro");
    }

    [Fact]
    public async Task TabsBreaksAndPreservedSpacesAreKeptAndTabStopsAreNot()
    {
        var text = await TextOf("""
            <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
              <w:r><w:t>Nome</w:t><w:tab/><w:t xml:space="preserve"> Valor </w:t><w:br/><w:t>linha</w:t><w:cr/><w:t>fim</w:t></w:r>
              <w:r><w:delText>apagado</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>
            """);

        text.Should().Be("Nome\t Valor \nlinha\nfim");
    }

    [Fact]
    public async Task TextboxTextBelongsToItsParagraph()
    {
        var text = await TextOf("""
            <w:p><w:r><w:t>Antes </w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>caixa</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>
            """);

        text.Should().Be("Antes caixa");
    }

    [Fact]
    public async Task TableRowsInsideRowContentControlsCountAndNestedTablesAreLeftOut()
    {
        var text = await TextOf("""
            <w:tbl><w:tblPr/>
              <w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr>
              <w:sdt><w:sdtContent><w:tr><w:tc><w:p><w:r><w:t>d</w:t></w:r></w:p>
                <w:tbl><w:tr><w:tc><w:p><w:r><w:t>aninhada</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p/></w:tc></w:tr></w:sdtContent></w:sdt>
              <w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>
            </w:tbl>
            """);

        text.Should().Be("a b | c\nd | ");
    }

    [Fact]
    public async Task DocumentWithoutABodyIsRefused()
    {
        var docx = CraftedDocx.Zip(
            ("[Content_Types].xml", """<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"""),
            ("word/document.xml", """<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>"""));

        var act = () => new DocumentTextExtractor(new SystemProcessRunner()).ExtractAsync(new MemoryStream(docx), DocumentFormats.Docx, CancellationToken.None);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The DOCX file has no document body");
    }

    [Fact]
    public async Task DoctypeIsRefusedAsCorruptSoNoEntityIsExpanded()
    {
        var docx = CraftedDocx.Zip(
            ("[Content_Types].xml", """<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"""),
            ("word/document.xml", """<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"""));

        var act = () => new DocumentTextExtractor(new SystemProcessRunner()).ExtractAsync(new MemoryStream(docx), DocumentFormats.Docx, CancellationToken.None);

        (await act.Should().ThrowAsync<TextExtractionException>()).WithMessage("The DOCX file is corrupt");
    }
}
