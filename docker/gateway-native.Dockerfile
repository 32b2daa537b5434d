# Native image of the gateway (Quarkus native with the Mandrel builder). GraalVM cannot run on mtlab's build machines,
# so this image is built elsewhere; the JVM image (docker/gateway.Dockerfile) is the tested path.
#   docker build -f docker/gateway-native.Dockerfile -t ghcr.io/mtlab/gateway-native:0.1.0 .
FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-21 AS build
USER root
RUN microdnf install -y maven && microdnf clean all
WORKDIR /src
COPY --chown=quarkus:quarkus . .
USER quarkus
RUN mvn -B -q -pl gateway -am package -DskipTests -Dnative

FROM quay.io/quarkus/ubi9-quarkus-micro-image:2.0
WORKDIR /work
COPY --from=build --chown=1001:root /src/gateway/target/*-runner /work/application
USER 1001
EXPOSE 8080 9000
ENTRYPOINT ["./application", "-Dquarkus.http.host=0.0.0.0", "-Dquarkus.http.port=8080"]
