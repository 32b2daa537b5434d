# Native image of the gateway (Quarkus native, built in the Mandrel builder image: the production path). Locally,
# ./mtlab native builds the same executable with a GraalVM/Mandrel home or this workplace's stand-in (README.md).
# Mandrel for JDK 25: the native-image generation (25) that the local builds and the native end-to-end test use.
#   docker build -f docker/gateway-native.Dockerfile -t ghcr.io/mtlab/gateway-native:0.1.0 .
FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25 AS build
USER root
RUN microdnf install -y maven && microdnf clean all
WORKDIR /src
COPY --chown=quarkus:quarkus . .
USER quarkus
# -Dnative activates the parent pom's native profile (quarkus.native.enabled=true)
RUN mvn -B -q -pl gateway -am package -DskipTests -Dnative

FROM quay.io/quarkus/ubi9-quarkus-micro-image:2.0
WORKDIR /work
COPY --from=build --chown=1001:root /src/gateway/target/*-runner /work/application
USER 1001
EXPOSE 8080 9000
ENTRYPOINT ["./application", "-Dquarkus.http.host=0.0.0.0", "-Dquarkus.http.port=8080"]
