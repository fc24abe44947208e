using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json.Serialization;

namespace Forge.Functions.Hosting;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapGet("/me", GetMe);
        return routes;
    }

    public static Ok<MeResponse> GetMe(ICurrentUser user) => TypedResults.Ok(new MeResponse(user.UserId, user.AuthMethod!));
}

public sealed record MeResponse(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("auth_method")] string AuthMethod);
