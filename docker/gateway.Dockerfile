# JVM image of the gateway, built from the sources (multi-stage). From the repository root:
#   docker build -f docker/gateway.Dockerfile -t ghcr.io/mtlab/gateway:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl gateway -am package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /deployments
COPY --from=build --chown=185:185 /src/gateway/target/quarkus-app/ /deployments/
USER 185
EXPOSE 8080 9000
ENV JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=75" QUARKUS_HTTP_HOST=0.0.0.0 QUARKUS_HTTP_PORT=8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]
