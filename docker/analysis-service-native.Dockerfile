# Native image of the analysis-service (Quarkus native with the Mandrel builder). GraalVM cannot run on mtlab's build machines,
# so this image is built elsewhere; the JVM image (docker/analysis-service.Dockerfile) is the tested path.
#   docker build -f docker/analysis-service-native.Dockerfile -t ghcr.io/mtlab/analysis-service-native:0.1.0 .
FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-21 AS build
USER root
RUN microdnf install -y maven && microdnf clean all
WORKDIR /src
COPY --chown=quarkus:quarkus . .
USER quarkus
RUN mvn -B -q -pl analysis-service -am package -DskipTests -Dnative

FROM quay.io/quarkus/ubi9-quarkus-micro-image:2.0
WORKDIR /work
COPY --from=build --chown=1001:root /src/analysis-service/target/*-runner /work/application
USER 1001
EXPOSE 8080 9000
ENTRYPOINT ["./application", "-Dquarkus.http.host=0.0.0.0", "-Dquarkus.http.port=8080"]
