# Superset behind the workspace agent, for the ECS superset profile. Build the jar first, then from the repository root:
#   mvn -B -DskipTests package
#   docker build -f deploy/agent/superset.Dockerfile -t <account>.dkr.ecr.<region>.amazonaws.com/wsgate-superset:<version> .
# Not built in CI (no Docker there): see the README, "What CI checks, and what only an AWS account can".
FROM eclipse-temurin:17-jre AS jre

FROM apache/superset:4.1.1
USER root
RUN apt-get update && apt-get install -y --no-install-recommends util-linux && rm -rf /var/lib/apt/lists/*
COPY --from=jre /opt/java/openjdk /opt/wsgate/jre
COPY proxy/target/wsgate.jar /opt/wsgate/wsgate.jar
# SUPERSET_HOME (its SQLite metadata database) lives in the workspace's directory, created by the workspace's user.
# SUPERSET_SECRET_KEY comes from the task definition's secrets and reaches the IDE (only WSGATE_* are withheld).
ENV PORT=8088 \
    WSGATE_AGENT_HOST=0.0.0.0 \
    WSGATE_AGENT_ISOLATION=required \
    WSGATE_AGENT_READINESS_PATH=/health \
    WSGATE_AGENT_READY_TIMEOUT=180s \
    WSGATE_AGENT_PREFETCH=/app/superset \
    WSGATE_AGENT_COMMAND="sh -c 'export SUPERSET_HOME=\"\$WSGATE_DATA_DIR/superset\"; mkdir -p \"\$SUPERSET_HOME\"; superset db upgrade >/dev/null && superset init >/dev/null && exec gunicorn --bind {host}:{port} --workers 2 --timeout 120 \"superset.app:create_app()\"'"
EXPOSE 8088
ENTRYPOINT ["/opt/wsgate/jre/bin/java", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", \
            "-cp", "/opt/wsgate/wsgate.jar", "io.wsgate.agent.Agent"]
