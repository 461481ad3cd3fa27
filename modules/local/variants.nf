process VARIANTS {
    tag "${meta.sample}"
    label 'process_medium'

    // Each reference is optional: `[]` when its param is not set. The indexes are staged beside
    // their file under their own names, where pysam looks for them.
    input:
    tuple val(meta), path(calls)
    path gtf
    path fasta
    path fasta_index     // <fasta>.fai, and <fasta>.gzi for a bgzipped FASTA
    path population_vcf
    path population_index // <vcf>.tbi or <vcf>.csi
    path pon
    path pon_index       // <vcf>.tbi or <vcf>.csi

    output:
    tuple val(meta), path("${meta.sample}.variants.tsv")    , emit: tsv
    tuple val(meta), path("${meta.sample}.maf")             , emit: maf
    tuple val(meta), path("${meta.sample}.variants.qc.json"), emit: qc
    path "versions.yml"                                      , emit: versions

    script:
    def input_option = meta.calls == 'maf' ? '--maf' : '--vcf'
    def normal = meta.normal ? "--normal-sample ${meta.normal}" : ''
    def purity = meta.purity ? "--purity ${meta.purity}" : ''
    def gtf_option = gtf ? "--gtf ${gtf}" : ''
    def fasta_option = fasta ? "--fasta ${fasta}" : ''
    def population_option = population_vcf ? "--population-vcf ${population_vcf}" : ''
    def pon_option = pon ? "--pon ${pon}" : ''
    def args = task.ext.args ?: ''
    """
    lenall variants \\
        --sample ${meta.sample} \\
        --outdir . \\
        --genome ${params.genome} \\
        ${input_option} ${calls} \\
        ${normal} \\
        ${purity} \\
        ${gtf_option} \\
        ${fasta_option} \\
        ${population_option} \\
        ${pon_option} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch ${meta.sample}.variants.tsv ${meta.sample}.maf ${meta.sample}.variants.qc.json
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
