# Native image of the analysis-service (Quarkus native, built in the Mandrel builder image: the production path). Locally,
# ./mtlab native builds the same executable with a GraalVM/Mandrel home or this workplace's stand-in (README.md).
# Mandrel for JDK 25: the native-image generation (25) that the local builds and the native end-to-end test use.
#   docker build -f docker/analysis-service-native.Dockerfile -t ghcr.io/mtlab/analysis-service-native:0.1.0 .
FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25 AS build
USER root
RUN microdnf install -y maven && microdnf clean all
WORKDIR /src
COPY --chown=quarkus:quarkus . .
USER quarkus
# -Dnative activates the parent pom's native profile (quarkus.native.enabled=true)
RUN mvn -B -q -pl analysis-service -am package -DskipTests -Dnative

# The report figures are drawn with headless Java2D (quarkus-awt): the executable loads the JDK's AWT libraries, which
# the build leaves beside it (target/*.so), and those need freetype and fontconfig with at least one font; the micro
# image has none of them, so the runtime base is ubi9-minimal with the three packages.
FROM registry.access.redhat.com/ubi9/ubi-minimal:9.5
RUN microdnf install -y freetype fontconfig dejavu-sans-fonts && microdnf clean all
WORKDIR /work
COPY --from=build --chown=1001:root /src/analysis-service/target/*.so /work/
COPY --from=build --chown=1001:root /src/analysis-service/target/*-runner /work/application
USER 1001
EXPOSE 8080 9000
ENTRYPOINT ["./application", "-Dquarkus.http.host=0.0.0.0", "-Dquarkus.http.port=8080"]
