package org.mtlab.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.mtlab.core.contract.Json;

/**
 * A local RS256 key pair and the bearer tokens it signs, for the demo and the tests: the gateway is given the public
 * key ({@link #gatewayProperties}) and verifies the tokens as it would those of a real identity provider. In
 * production the key pair belongs to the identity provider; mtlab only ever holds the public key.
 */
public final class TokenIssuer {
    /** The issuer the gateway expects unless configured otherwise ({@code mp.jwt.verify.issuer}). */
    public static final String ISSUER = "https://mtlab.local";

    private final KeyPair keys;

    private TokenIssuer(KeyPair keys) {
        this.keys = keys;
    }

    public static TokenIssuer generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new TokenIssuer(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create an RSA key pair", e);
        }
    }

    /** The public key as PEM (what an operator puts in the gateway's configuration). */
    public String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Writes the public key as PEM, e.g. for {@code MTLAB_JWT_PUBLIC_KEY_LOCATION}. */
    public Path writePublicKey(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, publicKeyPem());
    }

    /** The private key's encoding (base64): only so that tests can prove it never appears in what mtlab outputs. */
    public String privateKeyBase64() {
        return Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded());
    }

    /** Configuration that makes a gateway trust this issuer's tokens. */
    public Map<String, String> gatewayProperties() {
        return Map.of("mp.jwt.verify.publickey", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()),
                "mp.jwt.verify.issuer", ISSUER);
    }

    /** A token for {@code tenant}, valid for {@code validity}. */
    public String token(String tenant, Duration validity) {
        return sign(tenant, ISSUER, validity);
    }

    /** A token for {@code tenant}, valid for 12 hours. */
    public String token(String tenant) {
        return token(tenant, Duration.ofHours(12));
    }

    /** A token with another issuer, to test that the gateway refuses it. */
    public String tokenFromIssuer(String tenant, String issuer) {
        return sign(tenant, issuer, Duration.ofHours(1));
    }

    /** A valid token that names no tenant, to test that the gateway refuses it. */
    public String tokenWithoutTenant() {
        return sign(null, ISSUER, Duration.ofHours(1));
    }

    private String sign(String tenant, String issuer, Duration validity) {
        Instant now = Instant.now();
        Map<String, Object> header = Map.of("alg", "RS256", "typ", "JWT");
        Map<String, Object> claims = new java.util.LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", (tenant == null ? "nobody" : tenant) + "-user");
        claims.put("upn", (tenant == null ? "nobody" : tenant) + "-user");
        if (tenant != null) {
            claims.put("tenant", tenant);
        }
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(validity).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        String unsigned = base64Url(Json.write(header)) + "." + base64Url(Json.write(claims));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update(unsigned.getBytes(StandardCharsets.US_ASCII));
            return unsigned + "." + base64Url(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
