process VARIANTS {
    tag "${meta.sample}"
    label 'process_medium'

    input:
    tuple val(meta), path(calls)

    output:
    tuple val(meta), path("${meta.sample}.variants.tsv")    , emit: tsv
    tuple val(meta), path("${meta.sample}.maf")             , emit: maf
    tuple val(meta), path("${meta.sample}.variants.qc.json"), emit: qc
    path "versions.yml"                                      , emit: versions

    script:
    def input_option = meta.calls == 'maf' ? '--maf' : '--vcf'
    def normal = meta.normal ? "--normal-sample ${meta.normal}" : ''
    def purity = meta.purity ? "--purity ${meta.purity}" : ''
    def args = task.ext.args ?: ''
    """
    lenall variants \\
        --sample ${meta.sample} \\
        --outdir . \\
        --genome ${params.genome} \\
        ${input_option} ${calls} \\
        ${normal} \\
        ${purity} \\
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
