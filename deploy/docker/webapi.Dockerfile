# syntax=docker/dockerfile:1
# The AmoHub WebApi image. Build from the repository root:
#   docker build -f deploy/docker/webapi.Dockerfile -t amohub/webapi:<version> .
# Base images are pinned to exact versions; bump them deliberately.

# Node.js for the dashboard's npm build, which runs inside the .NET build.
FROM node:22.12.0-bookworm-slim AS node

FROM mcr.microsoft.com/dotnet/sdk:10.0.100-noble AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN --mount=type=cache,target=/root/.nuget/packages \
    dotnet publish src/WebApi/AmoHub.WebApi.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0.0-noble AS runtime
WORKDIR /app
COPY --from=build /app ./
# Listens on 8080 (non-root); writes only to /tmp (an emptyDir under Kubernetes, whose root filesystem is
# read-only) and, for the SQLite default outside Kubernetes, to /data.
ENV Urls=http://+:8080 \
    DOTNET_NOLOGO=1 \
    AmoHub__Storage__DataDirectory=/data
RUN mkdir /data && chown 1654:1654 /data
# The image's "app" user.
USER 1654:1654
EXPOSE 8080
ENTRYPOINT ["dotnet", "AmoHub.WebApi.dll"]
