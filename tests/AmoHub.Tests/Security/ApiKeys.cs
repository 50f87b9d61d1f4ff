using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace AmoHub.Tests.Security;

/// <summary>The test deployments' keys, their settings (hashes only) and requests that carry them.</summary>
internal static class ApiKeys
{
    public const string Read = "rk_6b1f0c9e4d2a47c8a3e5f7d9b1c3e5a7";
    public const string Write = "wk_0a2c4e6f8b1d3f5a7c9e1b3d5f7a9c2e";
    public const string Admin = "ak_9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    /// <summary>The three keys (read, write, admin) as <c>AmoHub:Auth:Keys</c> settings, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>();
        var keys = new[] { ("dashboard", Read, "Read"), ("crm-sync", Write, "Write"), ("operator", Admin, "Admin") };
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"AmoHub:Auth:Keys:{i}:Name"] = keys[i].Item1;
            settings[$"AmoHub:Auth:Keys:{i}:Hash"] = Hash(keys[i].Item2);
            settings[$"AmoHub:Auth:Keys:{i}:Role"] = keys[i].Item3;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>What <c>printf %s "$KEY" | sha256sum</c> prints.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A request with <paramref name="key"/> in <c>X-Api-Key</c> (none when null).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? key, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (json is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(json);
        }

        return request;
    }

    /// <summary>A request with <paramref name="key"/> as the password of HTTP Basic, as a browser sends it.</summary>
    public static HttpRequestMessage Basic(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + key)));
        return request;
    }
}
