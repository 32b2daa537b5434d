# GPU image of the trainer: CUDA 12.8 runtime + DJL's CUDA build of PyTorch 2.7.1 (Maven profile -Pgpu swaps
# ai.djl.pytorch:pytorch-native-cpu for pytorch-native-cu128), selected at run time with MTLAB_TRAINER_DEVICE=gpu.
# Needs on the node: an NVIDIA driver >= 570 (CUDA 12.8) and the NVIDIA container toolkit / device plugin.
#   docker build -f docker/trainer-service-gpu.Dockerfile -t ghcr.io/mtlab/trainer-service-gpu:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl trainer-service -am package -DskipTests -Pgpu

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/* && useradd -u 185 -r -m mtlab
WORKDIR /deployments
COPY --from=build --chown=185:185 /src/trainer-service/target/quarkus-app/ /deployments/
USER 185
EXPOSE 8080 9000
# DJL extracts the native library from the packaged jar at first start into ENGINE_CACHE_DIR (no network needed)
ENV ENGINE_CACHE_DIR=/var/cache/djl QUARKUS_HTTP_HOST=0.0.0.0 QUARKUS_HTTP_PORT=8080 MTLAB_TRAINER_DEVICE=gpu
ENV JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]
