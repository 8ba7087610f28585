# code-server behind the workspace agent, for the ECS code profile. Build the jar first, then from the repository root:
#   mvn -B -DskipTests package
#   docker build -f deploy/agent/code-server.Dockerfile -t <account>.dkr.ecr.<region>.amazonaws.com/wsgate-code:<version> .
# Not built in CI (no Docker there): see the README, "What CI checks, and what only an AWS account can".
FROM eclipse-temurin:17-jre AS jre

FROM codercom/code-server:4.96.4
# The agent runs as root so that it can create each workspace's directory for the workspace's own uid and start
# code-server as that uid (setpriv, util-linux); code-server itself never runs as root.
USER root
RUN apt-get update && apt-get install -y --no-install-recommends util-linux && rm -rf /var/lib/apt/lists/*
COPY --from=jre /opt/java/openjdk /opt/wsgate/jre
COPY proxy/target/wsgate.jar /opt/wsgate/wsgate.jar
ENV PORT=8080 \
    WSGATE_AGENT_IDE=code-server \
    WSGATE_AGENT_HOST=0.0.0.0 \
    WSGATE_AGENT_ISOLATION=required \
    WSGATE_AGENT_PREFETCH=/usr/lib/code-server
EXPOSE 8080
ENTRYPOINT ["/opt/wsgate/jre/bin/java", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", \
            "-cp", "/opt/wsgate/wsgate.jar", "io.wsgate.agent.Agent"]
