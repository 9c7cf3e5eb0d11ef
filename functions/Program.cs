var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/-/healthy", () => "ok");
await app.RunAsync();
