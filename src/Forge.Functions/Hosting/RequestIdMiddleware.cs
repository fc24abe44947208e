using System.Text.RegularExpressions;

namespace Forge.Functions.Hosting;

/// <summary>
/// Gives every request an id: a well-formed incoming <c>X-Request-ID</c> is kept (so a caller can trace a
/// request across services), anything else is replaced. It becomes <see cref="HttpContext.TraceIdentifier"/>,
/// which is what error bodies and log scopes carry.
/// </summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-ID";

    public Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var requestId = IsValid(incoming) ? incoming : Guid.NewGuid().ToString("N");
        context.TraceIdentifier = requestId;
        // OnStarting, because the exception handler clears headers set earlier before it writes the error.
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            ctx.Response.Headers[HeaderName] = ctx.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    public static bool IsValid(string? requestId) => !string.IsNullOrEmpty(requestId) && ValidRequestId().IsMatch(requestId);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$", RegexOptions.NonBacktracking)]
    private static partial Regex ValidRequestId();
}
