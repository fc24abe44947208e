using Forge.Shared.Quality;

namespace Forge.Tests.Quality;

public sealed class PiiDetectorTests
{
    [Theory]
    [InlineData("Escreva para joao.silva@empresa.com.br até sexta.")]
    [InlineData("Contact: Mary_O'Neil+billing@example.co.uk.")]
    [InlineData("E-mail: ANA@EXEMPLO.COM")]
    public void EmailAddressesAreFound(string text)
    {
        PiiDetector.Detect(text).Should().Equal(PiiDetector.Email);
    }

    [Theory]
    [InlineData("Ligue para (11) 98765-4321.")]
    [InlineData("WhatsApp +55 11 98765-4321")]
    [InlineData("WhatsApp +55 (11) 98765-4321")]
    [InlineData("celular 11987654321")]
    [InlineData("tel. 11 98765-4321")]
    [InlineData("fixo (11) 3456-7890")]
    [InlineData("fixo 11 3456-7890")]
    [InlineData("sem DDD: 98765-4321")]
    [InlineData("US office +1 415 555 0100")]
    [InlineData("US office (415) 555-0100")]
    [InlineData("London +44 20 7946 0958")]
    public void PhoneNumbersAreFound(string text)
    {
        PiiDetector.Detect(text).Should().Equal(PiiDetector.Phone);
    }

    [Theory]
    [InlineData("O contrato foi assinado em 2024 e vale até 2026.")]
    [InlineData("Vigência de 12/03/2024 a 2025-03-12.")]
    [InlineData("O valor total é R$ 1.234.567,89.")]
    [InlineData("Depósito de R$ 21987654321 em juízo.")]
    [InlineData("A meta subiu +12.500.000 unidades.")]
    [InlineData("CEP 01310-100, São Paulo.")]
    [InlineData("Processo nº 0001234-56.2024.8.26.0100.")]
    [InlineData("Entre 1990-2000 e 2010-2020 as vendas dobraram.")]
    [InlineData("Pedido 123456, lote 7890, 1.500 kg.")]
    [InlineData("")]
    public void YearsDatesMoneyAndCodesAreNotPii(string text)
    {
        PiiDetector.Detect(text).Should().BeEmpty();
    }

    [Theory]
    [InlineData("CPF 529.982.247-25")]
    [InlineData("CPF: 52998224725.")]
    [InlineData("CPF 529982247-25")]
    public void CpfWithValidCheckDigitsIsACpfNotAPhone(string text)
    {
        PiiDetector.Detect(text).Should().Equal(PiiDetector.Cpf);
    }

    [Theory]
    [InlineData("CPF 529.982.247-26")]
    [InlineData("CPF 529.982.247-35")]
    [InlineData("CPF 12345678900")]
    [InlineData("CPF 111.111.111-11")]
    public void CpfWithWrongCheckDigitsIsNotACpf(string text)
    {
        PiiDetector.Detect(text).Should().BeEmpty();
    }

    [Theory]
    [InlineData("CNPJ 11.222.333/0001-81")]
    [InlineData("CNPJ 11222333000181")]
    [InlineData("CNPJ alfanumérico 12.ABC.345/01DE-35")]
    public void CnpjWithValidCheckDigitsIsFound(string text)
    {
        PiiDetector.Detect(text).Should().Equal(PiiDetector.Cnpj);
    }

    [Theory]
    [InlineData("CNPJ 11.222.333/0001-80")]
    [InlineData("CNPJ 11222333000191")]
    [InlineData("CNPJ 12.ABC.345/01DE-36")]
    [InlineData("CNPJ 00.000.000/0000-00")]
    public void CnpjWithWrongCheckDigitsIsNotFound(string text)
    {
        PiiDetector.Detect(text).Should().BeEmpty();
    }

    [Fact]
    public void EveryTypeIsReportedOnceInTheDocumentedOrder()
    {
        var text = "Cliente 52998224725, empresa 11.222.333/0001-81, fone (21) 99876-5432, outro fone 11 98765-4321, "
            + "e-mail ana@exemplo.com, CPF de novo 529.982.247-25.";

        PiiDetector.Detect(text).Should().Equal(PiiDetector.Email, PiiDetector.Phone, PiiDetector.Cpf, PiiDetector.Cnpj);
    }

    [Fact]
    public void DigitsOfAnEmailAreNotAPhone()
    {
        PiiDetector.Detect("joao.11987654321@exemplo.com").Should().Equal(PiiDetector.Email);
    }
}
