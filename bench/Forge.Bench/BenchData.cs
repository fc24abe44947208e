using System.Text;
using System.Text.Json.Nodes;
using Forge.Shared.Data;

namespace Forge.Bench;

/// <summary>
/// Rows the dataset benchmarks start from: a domain with one processed document, its segments, a template and
/// datasets; and training items of about 1 KB of Portuguese text, the same for a given index on every call.
/// </summary>
public static class BenchData
{
    private static readonly string[] Sentences =
    [
        "O presente contrato tem por objeto a prestação de serviços de gestão de benefícios aos colaboradores.",
        "A contratada deverá entregar os relatórios mensais de utilização até o quinto dia útil de cada mês.",
        "Os valores serão reajustados anualmente pelo índice oficial de preços ao consumidor amplo (IPCA).",
        "O cartão de refeição é aceito em mais de um milhão de estabelecimentos credenciados em todo o país.",
        "Qualquer das partes poderá rescindir este acordo mediante aviso prévio, por escrito, de trinta dias.",
        "Fica eleito o foro da comarca de São Paulo para dirimir quaisquer dúvidas oriundas deste instrumento.",
        "O saldo do vale-alimentação não utilizado no mês é acumulado e permanece disponível para o colaborador.",
        "A recarga dos cartões ocorre em até dois dias úteis após a confirmação do pagamento do pedido.",
        "Em caso de perda ou roubo, o colaborador deve solicitar o bloqueio imediato pelo aplicativo ou central.",
        "A empresa contratante é responsável por informar mensalmente a relação de beneficiários ativos.",
        "As taxas administrativas estão descritas no anexo II e não incidem sobre o valor dos benefícios.",
        "O programa de alimentação do trabalhador (PAT) permite a dedução dos valores no imposto de renda.",
    ];

    private static readonly string[] Questions =
    [
        "Qual é o prazo para a entrega dos relatórios mensais de utilização?",
        "Como funciona o reajuste anual dos valores previstos no contrato?",
        "O que acontece com o saldo do vale-alimentação que não foi utilizado no mês?",
        "Quais são as condições para a rescisão antecipada do acordo entre as partes?",
        "Qual procedimento o colaborador deve seguir em caso de perda do cartão?",
        "Em quanto tempo a recarga dos cartões é disponibilizada após o pagamento?",
    ];

    public const string SystemPrompt = "Você é um assistente de atendimento da VR Benefícios. Responda em português, "
        + "de forma objetiva e usando apenas as informações do contrato.";

    /// <summary>A segment's text: about <paramref name="chars"/> characters of contract clauses.</summary>
    public static string SegmentText(int index, int chars = 900)
    {
        var random = new Random(1000 + index);
        var text = new StringBuilder(chars + 200);
        while (text.Length < chars)
        {
            text.Append(Sentences[random.Next(Sentences.Length)]).Append(' ');
        }
        return text.ToString().TrimEnd();
    }

    public sealed record Domain(Shared.Data.Domain Row, Document Document, GenerationTemplate Template, List<Segment> Segments);

    /// <summary>Adds a domain, one processed document with <paramref name="segments"/> segments, and a template.</summary>
    public static Domain AddDomain(ForgeDbContext db, string slug, int segments, DateTime now)
    {
        var domain = new Shared.Data.Domain { Id = Guid.CreateVersion7(), Name = $"Bench {slug}", Slug = slug, CreatedAt = now, UpdatedAt = now };
        var document = new Document
        {
            Id = Guid.CreateVersion7(), DomainId = domain.Id, Filename = "contrato.txt", OriginalFilename = "contrato.txt",
            S3Key = $"documents/{domain.Id}/contrato.txt", ContentType = "text/plain", FileSize = segments * 900,
            Status = DocumentStatus.Processed, CreatedAt = now, UpdatedAt = now,
        };
        var version = new DocumentVersion
        {
            Id = Guid.CreateVersion7(), DocumentId = document.Id, Number = 1, SegmentType = "paragraph",
            Status = DocumentStatus.Processed, CreatedAt = now, CompletedAt = now,
        };
        var template = new GenerationTemplate
        {
            Id = Guid.CreateVersion7(), DomainId = domain.Id, Name = "Perguntas do contrato", SystemPrompt = SystemPrompt,
            UserPromptTemplate = "Com base no trecho abaixo, crie uma pergunta de um cliente e a resposta ideal.\n\n{content}",
            CreatedAt = now, UpdatedAt = now,
        };
        var rows = Enumerable.Range(0, segments).Select(i => new Segment
        {
            Id = Guid.CreateVersion7(), DomainId = domain.Id, DocumentId = document.Id, DocumentVersionId = version.Id,
            SegmentType = "paragraph", Content = SegmentText(i), Position = i, CreatedAt = now.AddTicks(i),
        }).ToList();
        db.AddRange(domain, document, version, template);
        db.Segments.AddRange(rows);
        return new Domain(domain, document, template, rows);
    }

    public static Dataset AddDataset(ForgeDbContext db, Domain domain, string name, string provider, int itemsPerSegment, DateTime now)
    {
        var dataset = new Dataset
        {
            Id = Guid.CreateVersion7(), DomainId = domain.Row.Id, TemplateId = domain.Template.Id, Name = name, Provider = provider,
            GenerationConfig = new JsonObject { ["items_per_segment"] = itemsPerSegment }, CreatedAt = now, UpdatedAt = now,
        };
        db.Datasets.Add(dataset);
        return dataset;
    }

    /// <summary>Item <paramref name="index"/>'s texts: about 1,050 bytes of UTF-8 in all.</summary>
    public static (string Instruction, string Input, string Ideal, string Bad, string Explanation) ItemText(int index)
    {
        var random = new Random(index);
        string Pick(int count)
        {
            var text = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                text.Append(Sentences[random.Next(Sentences.Length)]).Append(' ');
            }
            return text.ToString().TrimEnd();
        }
        return (Questions[random.Next(Questions.Length)], Pick(4), Pick(3), Pick(1), $"A resposta ideal cita o trecho {index} do contrato; a ruim não usa o texto.");
    }

    /// <summary>An approved item of <paramref name="dataset"/>, on segment <c>index % segments</c>.</summary>
    public static DatasetItem Item(Dataset dataset, Domain domain, int index, DateTime start)
    {
        var (instruction, input, ideal, bad, explanation) = ItemText(index);
        var segment = domain.Segments[index % domain.Segments.Count];
        var at = start.AddMilliseconds(index);
        return new DatasetItem
        {
            Id = Guid.CreateVersion7(), DatasetId = dataset.Id, SegmentId = segment.Id, DocumentId = domain.Document.Id,
            Variant = index / domain.Segments.Count, TemplateId = domain.Template.Id,
            Instruction = instruction, InputText = input, IdealResponse = ideal, BadResponse = bad, Explanation = explanation,
            QualityScore = 0.9, QualityFlags = new JsonObject
            {
                ["length_ok"] = true, ["coherence_ok"] = true, ["grounded"] = true, ["grounding_score"] = 0.8,
                ["pii_detected"] = false, ["pii_types"] = new JsonArray(), ["duplicate_of"] = null,
            },
            ReviewStatus = ReviewStatus.Approved, Generator = "openai", Model = "gpt-4o-mini-2024-07-18",
            PromptTokens = 420, CompletionTokens = 180, CreatedAt = at, UpdatedAt = at, ReviewedAt = at,
        };
    }
}
