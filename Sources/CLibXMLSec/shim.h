#ifndef GATEHOUSE_CLIBXMLSEC_SHIM_H
#define GATEHOUSE_CLIBXMLSEC_SHIM_H

/*
 * ABI defines, restated exactly as `pkg-config --cflags xmlsec1-openssl` prints them on
 * Debian 12 (xmlsec1 1.2.37). SwiftPM drops -D flags that come from pkg-config, and without
 * XMLSEC_NO_SIZE_T the headers declare xmlSecSize as size_t while the library was built with
 * unsigned int: every struct holding an xmlSecSize would then be misread. gh_abi_check()
 * below detects such a mismatch at run time.
 */
#ifndef XMLSEC_NO_SIZE_T
#define XMLSEC_NO_SIZE_T 1
#endif
#ifndef XMLSEC_CRYPTO_OPENSSL
#define XMLSEC_CRYPTO_OPENSSL 1
#endif
#ifndef XMLSEC_OPENSSL3_ENGINES
#define XMLSEC_OPENSSL3_ENGINES 1
#endif
#ifndef XMLSEC_NO_GOST
#define XMLSEC_NO_GOST 1
#endif
#ifndef XMLSEC_NO_GOST2012
#define XMLSEC_NO_GOST2012 1
#endif
#ifndef XMLSEC_NO_CRYPTO_DYNAMIC_LOADING
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#endif
#ifndef __XMLSEC_FUNCTION__
#define __XMLSEC_FUNCTION__ __func__
#endif

#include <string.h>
#include <libxml/xmlversion.h>
/*
 * Debian's libxml2 is built with ICU, so encoding.h would pull in the system's <unicode/*.h>,
 * whose types clash with Foundation's bundled ICU when both modules load in one compilation.
 * Gatehouse never touches xmlCharEncodingHandler's fields (only pointers to it), so hiding the
 * ICU members from these headers changes no layout that we read.
 */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/c14n.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlerror.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/base64.h>
#include <xmlsec/buffer.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/transforms.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlenc.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

/* xmlFree is a global function pointer; Swift 6 cannot call it safely. */
static inline void gh_xml_free(void *pointer) { xmlFree(pointer); }

/* ---- ABI check ------------------------------------------------------------------------ */

/* Size of xmlSecSize as these headers see it. */
static inline size_t gh_xmlsec_size_width(void) { return sizeof(xmlSecSize); }

/*
 * Returns 1 when the headers and the library agree on the layout of xmlSecBuffer: the
 * library writes maxSize through its own idea of the struct, and we read it through ours.
 */
static inline int gh_abi_check(void) {
    xmlSecBufferPtr buffer = xmlSecBufferCreate(1234);
    if (buffer == NULL) { return 0; }
    int ok = (buffer->maxSize == xmlSecBufferGetMaxSize(buffer)) && (buffer->maxSize >= 1234)
        && (xmlSecBufferGetSize(buffer) == 0) && (buffer->size == 0);
    xmlSecBufferDestroy(buffer);
    return ok;
}

/* ---- xmlsec ids (function-like macros Swift cannot import) ---------------------------- */

static inline xmlSecTransformId gh_transform_exc_c14n(void) { return xmlSecTransformExclC14NId; }
static inline xmlSecTransformId gh_transform_exc_c14n_comments(void) { return xmlSecTransformExclC14NWithCommentsId; }
static inline xmlSecTransformId gh_transform_enveloped(void) { return xmlSecTransformEnvelopedId; }
static inline xmlSecTransformId gh_transform_sha1(void) { return xmlSecTransformSha1Id; }
static inline xmlSecTransformId gh_transform_sha256(void) { return xmlSecTransformSha256Id; }
static inline xmlSecTransformId gh_transform_sha384(void) { return xmlSecTransformSha384Id; }
static inline xmlSecTransformId gh_transform_sha512(void) { return xmlSecTransformSha512Id; }
static inline xmlSecTransformId gh_transform_rsa_sha1(void) { return xmlSecTransformRsaSha1Id; }
static inline xmlSecTransformId gh_transform_rsa_sha256(void) { return xmlSecTransformRsaSha256Id; }
static inline xmlSecTransformId gh_transform_rsa_sha384(void) { return xmlSecTransformRsaSha384Id; }
static inline xmlSecTransformId gh_transform_rsa_sha512(void) { return xmlSecTransformRsaSha512Id; }
static inline xmlSecTransformId gh_transform_ecdsa_sha1(void) { return xmlSecTransformEcdsaSha1Id; }
static inline xmlSecTransformId gh_transform_ecdsa_sha256(void) { return xmlSecTransformEcdsaSha256Id; }
static inline xmlSecTransformId gh_transform_ecdsa_sha384(void) { return xmlSecTransformEcdsaSha384Id; }
static inline xmlSecTransformId gh_transform_ecdsa_sha512(void) { return xmlSecTransformEcdsaSha512Id; }
static inline xmlSecTransformId gh_transform_rsa_oaep(void) { return xmlSecTransformRsaOaepId; }
static inline xmlSecTransformId gh_transform_rsa_pkcs1(void) { return xmlSecTransformRsaPkcs1Id; }
static inline xmlSecTransformId gh_transform_aes128_gcm(void) { return xmlSecTransformAes128GcmId; }
static inline xmlSecTransformId gh_transform_aes192_gcm(void) { return xmlSecTransformAes192GcmId; }
static inline xmlSecTransformId gh_transform_aes256_gcm(void) { return xmlSecTransformAes256GcmId; }
static inline xmlSecTransformId gh_transform_aes128_cbc(void) { return xmlSecTransformAes128CbcId; }
static inline xmlSecTransformId gh_transform_aes192_cbc(void) { return xmlSecTransformAes192CbcId; }
static inline xmlSecTransformId gh_transform_aes256_cbc(void) { return xmlSecTransformAes256CbcId; }
static inline xmlSecKeyDataId gh_keydata_aes(void) { return xmlSecKeyDataAesId; }
static inline xmlSecKeyDataId gh_keydata_x509(void) { return xmlSecKeyDataX509Id; }
static inline xmlSecKeyDataId gh_keydata_rsa(void) { return xmlSecKeyDataRsaId; }
static inline xmlSecKeyDataId gh_keydata_ecdsa(void) { return xmlSecKeyDataEcdsaId; }

/* Transform name (the algorithm URI) of a transform, or NULL. */
static inline const xmlChar *gh_transform_href(xmlSecTransformPtr transform) {
    if (transform == NULL || transform->id == NULL) { return NULL; }
    return transform->id->href;
}

/* Status of the n-th SignedInfo reference after verification (-1 when absent). */
static inline int gh_dsig_reference_status(xmlSecDSigCtxPtr ctx, xmlSecSize index) {
    if (index >= xmlSecPtrListGetSize(&(ctx->signedInfoReferences))) { return -1; }
    xmlSecDSigReferenceCtxPtr ref = (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&(ctx->signedInfoReferences), index);
    if (ref == NULL) { return -1; }
    return (int)ref->status;
}

static inline xmlSecSize gh_dsig_reference_count(xmlSecDSigCtxPtr ctx) {
    return xmlSecPtrListGetSize(&(ctx->signedInfoReferences));
}

/* ---- quiet error handling --------------------------------------------------------------- */

static void gh_xml_silent_generic(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void gh_xml_silent_structured(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }
static void gh_xmlsec_silent(const char *file, int line, const char *func, const char *errorObject,
                             const char *errorSubject, int reason, const char *msg) {
    (void)file; (void)line; (void)func; (void)errorObject; (void)errorSubject; (void)reason; (void)msg;
}

/* libxml2's error handlers are per thread: install them on whichever thread runs us. */
static inline void gh_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, gh_xml_silent_generic);
    xmlSetStructuredErrorFunc(NULL, gh_xml_silent_structured);
}

static inline void gh_silence_xmlsec_errors(void) {
    xmlSecErrorsSetCallback(gh_xmlsec_silent);
}

/* ---- DOCTYPE guard ---------------------------------------------------------------------- */

/*
 * Called by the SAX parser the moment it meets <!DOCTYPE, before any entity declaration is
 * read: record the fact and stop, so no entity is declared, loaded or expanded.
 */
static void gh_doctype_seen(void *ctx, const xmlChar *name, const xmlChar *externalID, const xmlChar *systemID) {
    (void)name; (void)externalID; (void)systemID;
    xmlParserCtxtPtr parser = (xmlParserCtxtPtr)ctx;
    parser->_private = (void *)1;
    xmlStopParser(parser);
}

static xmlParserInputPtr gh_no_external_entities(const char *url, const char *id, xmlParserCtxtPtr ctx) {
    (void)url; (void)id; (void)ctx;
    return NULL;
}

/* A parser context that refuses DOCTYPEs and never loads anything from outside. */
static inline xmlParserCtxtPtr gh_new_guarded_parser(void) {
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) { return NULL; }
    ctxt->sax->internalSubset = gh_doctype_seen;
    ctxt->sax->externalSubset = NULL;
    ctxt->_private = NULL;
    return ctxt;
}

static inline int gh_parser_saw_doctype(xmlParserCtxtPtr ctxt) { return ctxt->_private != NULL; }

/* Install the loader that refuses every external resource (process-wide, set once). */
static inline void gh_install_entity_loader(void) {
    xmlSetExternalEntityLoader(gh_no_external_entities);
}

/* ---- canonicalization of one subtree ---------------------------------------------------- */

static int gh_c14n_in_subtree(void *userData, xmlNodePtr node, xmlNodePtr parent) {
    xmlNodePtr root = (xmlNodePtr)userData;
    xmlNodePtr current = (node != NULL && node->type == XML_NAMESPACE_DECL) ? parent : node;
    while (current != NULL) {
        if (current == root) { return 1; }
        current = current->parent;
    }
    return 0;
}

/* Exclusive (mode 1) canonical form of `root` and its descendants, written to `out`. */
static inline int gh_c14n_subtree(xmlDocPtr doc, xmlNodePtr root, int mode, xmlChar **inclusivePrefixes,
                                  int withComments, xmlOutputBufferPtr out) {
    return xmlC14NExecute(doc, gh_c14n_in_subtree, root, mode, inclusivePrefixes, withComments, out);
}

static inline const xmlChar *gh_output_content(xmlOutputBufferPtr out) { return xmlOutputBufferGetContent(out); }
static inline size_t gh_output_size(xmlOutputBufferPtr out) { return xmlOutputBufferGetSize(out); }

/* ---- RSA key transport ------------------------------------------------------------------ */

/*
 * Unwraps an XML-Encryption content key with the RSA private key held by `key`.
 * padding: 1 = OAEP (oaepDigest and mgfDigest name OpenSSL digests, e.g. "SHA1", "SHA256"),
 *          0 = PKCS#1 v1.5. Returns the key length, or -1.
 * xmlsec 1.2.37 only knows OAEP with SHA-1, so Gatehouse does this step itself.
 */
static inline int gh_rsa_unwrap(xmlSecKeyPtr key, int padding, const char *oaepDigest, const char *mgfDigest,
                                const unsigned char *label, size_t labelSize,
                                const unsigned char *in, size_t inSize, unsigned char *out, size_t outCapacity) {
    xmlSecKeyDataPtr data = xmlSecKeyGetValue(key);
    if (data == NULL) { return -1; }
    EVP_PKEY *pkey = xmlSecOpenSSLKeyDataRsaGetEvp(data);
    if (pkey == NULL) { return -1; }
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
    if (ctx == NULL) { return -1; }
    int result = -1;
    size_t outSize = outCapacity;
    if (EVP_PKEY_decrypt_init(ctx) <= 0) { goto done; }
    if (padding == 1) {
        const EVP_MD *md = EVP_get_digestbyname(oaepDigest);
        const EVP_MD *mgf = EVP_get_digestbyname(mgfDigest);
        if (md == NULL || mgf == NULL) { goto done; }
        if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0) { goto done; }
        if (EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) <= 0) { goto done; }
        if (EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf) <= 0) { goto done; }
        if (labelSize > 0) {
            unsigned char *copy = OPENSSL_malloc(labelSize);
            if (copy == NULL) { goto done; }
            memcpy(copy, label, labelSize);
            /* On success the context owns `copy`. */
            if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy, (int)labelSize) <= 0) { OPENSSL_free(copy); goto done; }
        }
    } else {
        if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) { goto done; }
    }
    if (EVP_PKEY_decrypt(ctx, out, &outSize, in, inSize) <= 0) { goto done; }
    result = (int)outSize;
done:
    EVP_PKEY_CTX_free(ctx);
    return result;
}

#endif
