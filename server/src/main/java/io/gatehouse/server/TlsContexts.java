package io.gatehouse.server;

import io.gatehouse.server.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Builds Jetty's TLS context from a PEM certificate chain and a PEM private key (PKCS#8 or PKCS#1/SEC1). */
final class TlsContexts {
    private TlsContexts() {}

    static SslContextFactory.Server fromPem(Path certFile, Path keyFile) {
        try {
            List<Certificate> chain = new ArrayList<>();
            try (var in = Files.newInputStream(certFile)) {
                chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (chain.isEmpty()) {
                throw new ConfigException("invalid configuration: server.tls.cert: no certificate in " + certFile);
            }
            PrivateKey key = readKey(keyFile);
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("gatehouse", key, password, chain.toArray(Certificate[]::new));
            var factory = new SslContextFactory.Server();
            factory.setKeyStore(store);
            factory.setKeyStorePassword("");
            return factory;
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException(
                    "invalid configuration: server.tls: cannot load certificate/key: " + e.getMessage());
        }
    }

    private static PrivateKey readKey(Path keyFile) throws IOException {
        try (Reader reader = Files.newBufferedReader(keyFile);
                PEMParser parser = new PEMParser(reader)) {
            var converter = new JcaPEMKeyConverter();
            // Skip what is not a key, such as the "EC PARAMETERS" block openssl ecparam writes first.
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
            throw new ConfigException(
                    "invalid configuration: server.tls.key: no unencrypted private key in " + keyFile);
        }
    }
}
